export const JobStatusQuery = `#graphql
  query JobStatus($id: ID!) {
    job(id: $id) {
      id
      done
    }
  }
`;
