import { gid } from "../ids";
import type { JobRecord } from "../records";
import type { ResolverContext } from "./context";
// A cycle (index → jobs → index), harmless: `queryRoot` is only read when a job is resolved.
import { queryRoot } from "./index";

const JOB_GID = /^gid:\/\/shopify\/Job\/([0-9a-f-]{36})(?:\?.*)?$/i;

/** `Job`: polled by apps until `done`; `query` only resolves once it is (as documented). */
export function jobView(record: JobRecord) {
  return {
    __typename: "Job",
    id: gid("Job", record.id),
    done: record.done,
    query: () => (record.done ? queryRoot : null),
  };
}

export const jobQueries = {
  job: (args: { id: string }, context: ResolverContext) => {
    const match = JOB_GID.exec(args.id);
    const record = match ? context.store.jobs.get(match[1].toLowerCase()) : undefined;
    return record ? jobView(record) : null;
  },
};
