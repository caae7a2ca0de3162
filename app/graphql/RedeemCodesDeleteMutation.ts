export const RedeemCodesDeleteMutation = `#graphql
  mutation RedeemCodesDelete($discountId: ID!, $ids: [ID!]!) {
    discountCodeRedeemCodeBulkDelete(discountId: $discountId, ids: $ids) {
      job {
        id
        done
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
