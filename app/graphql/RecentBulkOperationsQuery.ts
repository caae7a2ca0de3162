/**
 * The app's newest bulk operations matching a search: how a sync whose process
 * died between starting its export and recording the export's id finds that export again.
 */
export const RecentBulkOperationsQuery = `#graphql
  query RecentBulkOperations($query: String!) {
    bulkOperations(first: 10, query: $query) {
      nodes {
        id
        status
        query
      }
    }
  }
`;
