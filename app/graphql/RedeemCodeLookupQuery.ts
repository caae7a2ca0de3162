export const RedeemCodeLookupQuery = `#graphql
  query RedeemCodeLookup($discountId: ID!, $query: String!) {
    codeDiscountNode(id: $discountId) {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          codes(first: 5, query: $query) {
            nodes {
              id
              code
            }
          }
        }
      }
    }
  }
`;
