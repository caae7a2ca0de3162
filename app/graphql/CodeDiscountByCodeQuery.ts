export const CodeDiscountByCodeQuery = `#graphql
  query CodeDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          title
        }
      }
    }
  }
`;
