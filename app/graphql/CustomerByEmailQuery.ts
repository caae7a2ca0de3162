export const CustomerByEmailQuery = `#graphql
  query CustomerByEmail($query: String!) {
    customers(first: 1, query: $query) {
      nodes {
        id
        firstName
        lastName
      }
    }
  }
`;
