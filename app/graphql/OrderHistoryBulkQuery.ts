/**
 * The whole order history as one bulk operation (`bulkOperationRunQuery`), ingested by
 * `ingestBulkOrdersJsonl`. Each Order becomes one JSONL line; no connections are nested,
 * so there are no child lines. `totalPriceSet` is the total before refunds and
 * `totalRefundedSet` what was refunded, both in shop money; the customer's display data
 * comes along so the sync needs no second query. Without read_all_orders Shopify returns
 * the last 60 days only.
 */
export const OrderHistoryBulkQuery = `#graphql
  query OrderHistoryBulk {
    orders(sortKey: ID) {
      edges {
        node {
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
      }
    }
  }
`;
