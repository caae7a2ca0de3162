export const GiftDraftOrderCreateMutation = `#graphql
  mutation GiftDraftOrderCreate($input: DraftOrderInput!) {
    draftOrderCreate(input: $input) {
      draftOrder {
        id
        name
        shippingAddress {
          address1
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;
