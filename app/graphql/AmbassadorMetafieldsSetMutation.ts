export const AmbassadorMetafieldsSetMutation = `#graphql
  mutation AmbassadorMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      userErrors {
        field
        message
        code
      }
    }
  }
`;
