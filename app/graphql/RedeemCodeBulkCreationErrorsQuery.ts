export const RedeemCodeBulkCreationErrorsQuery = `#graphql
  query RedeemCodeBulkCreationErrors($id: ID!, $after: String) {
    discountRedeemCodeBulkCreation(id: $id) {
      id
      codes(first: 250, after: $after) {
        nodes {
          code
          errors {
            field
            message
            code
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;
