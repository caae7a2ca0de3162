// The paginated fallback of the history sync: the same fields as OrderHistoryBulkQuery,
// a page at a time (used where a bulk operation cannot be started).
export const OrderHistoryPageQuery = `#graphql
  query OrderHistoryPage($first: Int!, $after: String) {
    orders(first: $first, after: $after, sortKey: ID) {
      nodes {
        id
        processedAt
        updatedAt
        cancelledAt
        test
        discountCodes
        customer {
          id
          displayName
          defaultEmailAddress {
            emailAddress
            marketingState
          }
          defaultPhoneNumber {
            marketingState
          }
          tags
          updatedAt
        }
        totalPriceSet {
          shopMoney {
            amount
            currencyCode
          }
        }
        totalRefundedSet {
          shopMoney {
            amount
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
