export const StoreCreditTransactionsQuery = `#graphql
  query StoreCreditTransactions($customerId: ID!, $accountQuery: String!) {
    customer(id: $customerId) {
      storeCreditAccounts(first: 5, query: $accountQuery) {
        nodes {
          id
          transactions(first: 50, sortKey: CREATED_AT, reverse: true) {
            nodes {
              __typename
              ... on StoreCreditAccountCreditTransaction {
                id
              }
              createdAt
              amount {
                amount
                currencyCode
              }
            }
          }
        }
      }
    }
  }
`;
