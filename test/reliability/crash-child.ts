/**
 * The app's background work in a process of its own, for crash.test.ts to SIGKILL mid-way
 * and start again: `node --import tsx crash-child.ts <sync|codes> <shop> <local shop url>
 * [syncId]`. It runs the app's models against the test file's database (its DATABASE_URL)
 * and sends its Admin API calls to the local shop running in the test process, whose state
 * the test reads. Prints `progress <orders>` after each committed ingest batch and waits
 * for a line on stdin before going on (the test kills it there when it is far enough),
 * `done` at the end.
 */
import readline from "node:readline";
import { testEnv } from "../setup/test-env";
import { installShopifyFetchRedirect } from "../local-shop/fetch-redirect";

Object.assign(process.env, testEnv);
const [mode, shop, localShopUrl, syncId] = process.argv.slice(2);
installShopifyFetchRedirect({ [shop]: localShopUrl });

const { unauthenticated } = await import("~/shopify.server");
const { admin } = await unauthenticated.admin(shop);
const fromTest = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

if (mode === "sync") {
  const { continueHistorySync } = await import("~/models/OrderHistory/OrderHistorySync.server");
  let orders = 0;
  await continueHistorySync(admin.graphql, shop, syncId, {
    pollIntervalMs: 20,
    pageSize: 100,
    throttleBackoffMs: 5,
    ingestBatchSize: 50,
    onProgress: async (batch) => {
      orders += batch;
      console.log(`progress ${orders}`);
      // The gate: the test answers each progress line, or kills the process here, mid-run.
      await fromTest.next();
    },
  });
} else if (mode === "codes") {
  const { provisionAmbassadors } = await import("~/models/Ambassador/CodeProvisioning.server");
  await provisionAmbassadors(admin.graphql, shop, { pollIntervalMs: 20, throttleBackoffMs: 5, maxCodeReplacements: 3 });
} else if (mode === "gifts") {
  const { createPendingGifts } = await import("~/models/Gifts/Gifts.server");
  await createPendingGifts(admin.graphql, shop, { throttleBackoffMs: 5 });
} else {
  throw new Error(`unknown mode ${mode}`);
}
console.log("done");
process.exit(0);
