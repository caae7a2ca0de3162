export const GiftDraftOrderByTagQuery = `#graphql
  query GiftDraftOrderByTag($query: String!) {
    draftOrders(first: 1, query: $query) {
      nodes {
        id
        name
        shippingAddress {
          address1
        }
      }
    }
  }
`;
