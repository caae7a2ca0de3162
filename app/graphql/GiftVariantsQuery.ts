export const GiftVariantsQuery = `#graphql
  query GiftVariants($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ProductVariant {
        id
        displayName
      }
    }
  }
`;
