export const ProgramEventFlowTriggerMutation = `#graphql
  mutation ProgramEventFlowTrigger($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors {
        field
        message
      }
    }
  }
`;
