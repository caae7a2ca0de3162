export const StoreCreditCreditMutation = `#graphql
  mutation StoreCreditCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
    storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
      storeCreditAccountTransaction {
        ... on StoreCreditAccountCreditTransaction {
          id
        }
        createdAt
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
