export const GiftDraftOrderStatusQuery = `#graphql
  query GiftDraftOrderStatus($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on DraftOrder {
        id
        name
        status
        shippingAddress {
          address1
        }
        order {
          name
          displayFulfillmentStatus
        }
      }
    }
  }
`;
