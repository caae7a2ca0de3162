export const RedeemCodesAddMutation = `#graphql
  mutation RedeemCodesAdd($discountId: ID!, $codes: [DiscountRedeemCodeInput!]!) {
    discountRedeemCodeBulkAdd(discountId: $discountId, codes: $codes) {
      bulkCreation {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
