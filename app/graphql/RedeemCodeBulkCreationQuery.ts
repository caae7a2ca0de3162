// Progress only: cheap enough to poll. Per-code errors are read separately, and only when
// `failedCount` says there are some.
export const RedeemCodeBulkCreationQuery = `#graphql
  query RedeemCodeBulkCreation($id: ID!) {
    discountRedeemCodeBulkCreation(id: $id) {
      id
      done
      codesCount
      importedCount
      failedCount
    }
  }
`;
