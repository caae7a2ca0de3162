/**
 * The program-event delivery in a process of its own, for program-events-crash.test.ts to
 * SIGKILL mid-way and start again: `node --import tsx program-events-child.ts <shop>
 * <local shop url>`. It runs the app's delivery against the test file's database
 * (DATABASE_URL) and the Klaviyo double (KLAVIYO_API_URL), both from its environment, and
 * sends its Admin API calls to the local shop in the test process. Prints `done` at the end.
 */
import { testEnv } from "../setup/test-env";
import { installShopifyFetchRedirect } from "../local-shop/fetch-redirect";

Object.assign(process.env, testEnv);
const [shop, localShopUrl] = process.argv.slice(2);
installShopifyFetchRedirect({ [shop]: localShopUrl });

const { unauthenticated } = await import("~/shopify.server");
const { deliverProgramEvents } = await import("~/models/ProgramEvents/delivery.server");
const { admin } = await unauthenticated.admin(shop);
await deliverProgramEvents(admin.graphql, shop);
console.log("done");
process.exit(0);
