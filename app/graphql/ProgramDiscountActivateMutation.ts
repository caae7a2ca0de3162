export const ProgramDiscountActivateMutation = `#graphql
  mutation ProgramDiscountActivate($id: ID!) {
    discountCodeActivate(id: $id) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;
