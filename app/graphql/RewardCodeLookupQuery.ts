export const RewardCodeLookupQuery = `#graphql
  query RewardCodeLookup($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
    }
  }
`;
