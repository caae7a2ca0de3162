/**
 * An app instance's background side, for job-queue.test.ts to run twice on one PostgreSQL
 * database: `node --import tsx queue-child.ts <{"shop": "local shop url", …}>`. It starts
 * the job queue and works it for every job definition, as a server process does at boot,
 * and sends its Admin API calls to the local shops running in the test process. Prints
 * `ready` once working, then `start <syncId>` / `done <syncId>` around each history sync
 * it runs (the test's view of which instance ran what). SIGTERM stops it gracefully (exit
 * code 0 once its running jobs finished).
 */
import { testEnv } from "../setup/test-env";
import { installShopifyFetchRedirect } from "../local-shop/fetch-redirect";

Object.assign(process.env, { ...testEnv, ...process.env });
installShopifyFetchRedirect(JSON.parse(process.argv[2]) as Record<string, string>);

const { historySyncJob } = await import("~/jobs/history-sync.server");
const { runningJobCount, startJobQueue, stopJobQueue } = await import("~/jobs/queue.server");

const run = historySyncJob.run.bind(historySyncJob);
historySyncJob.run = async (payload) => {
  console.log(`start ${payload.syncId}`);
  await run(payload);
  console.log(`done ${payload.syncId}`);
};

// As boot.server.ts does: a graceful stop; exit code 1 if a job was still running after it.
process.once("SIGTERM", () => {
  void stopJobQueue(20_000).finally(() => process.exit(runningJobCount() > 0 ? 1 : 0));
  setTimeout(() => process.exit(2), 30_000).unref();
});
await startJobQueue();
console.log("ready");
