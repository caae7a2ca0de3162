export const CustomerContactQuery = `#graphql
  query CustomerContact($id: ID!) {
    customer(id: $id) {
      id
      firstName
      lastName
      defaultEmailAddress {
        emailAddress
      }
    }
  }
`;
