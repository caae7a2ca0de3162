export const AmbassadorApprovedFlowTriggerMutation = `#graphql
  mutation AmbassadorApprovedFlowTrigger($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors {
        field
        message
      }
    }
  }
`;
