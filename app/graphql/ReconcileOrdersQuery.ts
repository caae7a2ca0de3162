// Reconciliation: recent orders that used a discount code, with what attribution needs
// (the OrderHistory fields, plus the name for reports, the discount total and refunds).
export const ReconcileOrdersQuery = `#graphql
  query ReconcileOrders($first: Int!, $after: String, $query: String!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      nodes {
        id
        name
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
        totalDiscountsSet {
          shopMoney {
            amount
          }
        }
        refunds(first: 20) {
          id
          createdAt
          totalRefundedSet {
            shopMoney {
              amount
              currencyCode
            }
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
