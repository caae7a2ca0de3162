/**
 * `npm run demo`: the app's main job on its embedded default, with no Shopify account and
 * no internet. Starts the local shop (the real Admin API schema over an in-memory store,
 * seeded), points the app's Admin API calls at it, serves the built app with the demo
 * admin's session tokens, and a storefront preview that renders the theme extension. The
 * shop has run its ambassador program for six months (DEMO_HISTORY=0: a shop without one).
 */
import { localDatabase } from "../../scripts/local-database";
import { DEMO_KLAVIYO_KEY, startDemo } from "./demo";

const started = Date.now();
const database = await localDatabase();
const demo = await startDemo({
  databaseUrl: database.url,
  appPort: Number(process.env.PORT || 3000),
  storefrontPort: Number(process.env.STOREFRONT_PORT || 3001),
  customers: Number(process.env.DEMO_CUSTOMERS || 3000),
  orders: Number(process.env.DEMO_ORDERS || 9000),
  history: process.env.DEMO_HISTORY !== "0",
});

const app = demo.appUrl;
const history = demo.history;
let program = "";
if (history) {
  const { plan, ambassadorIds } = history;
  const story = plan.ambassadors.find((a) => a.key === plan.storyAmbassador)!;
  const star = plan.ambassadors.find((a) => a.level === "star" && a.status === "active")!;
  program = `
The shop has run its ambassador program for six months: ${plan.ambassadors.length} ambassadors, ${plan.orders.length} orders through their codes.

  See the program's results:
      Dashboard:          ${app}/app/dashboard     <- start here: revenue, ROI, retention, fraud flags
      Rewards:            ${app}/app/rewards       (balances, tiers, payouts paid and pending)
      Ambassadors:        ${app}/app/ambassadors
      a top ambassador:   ${app}/app/ambassadors/${ambassadorIds.get(star.key)} (${star.firstName} ${star.lastName}, ${star.code})

  Place an order as a referred customer:
      ${story.firstName}'s share link: ${demo.storefrontUrl}/apps/ambassadors/r/${story.code}
      → add to cart → checkout (the code is filled in) → thank-you page, which can refund the order.
      The order shows on ${app}/app/ambassadors/${ambassadorIds.get(story.key)} within seconds.
`;
}

console.log(`
Ambassadors demo is running (local demo shop "${demo.shopName}", PostgreSQL at ${new URL(demo.databaseUrl).host}), ready in ${Math.round((Date.now() - started) / 1000)} s.
${program}
  Admin (embedded app):   ${app}/app
      candidates:         ${app}/app/candidates
      ambassadors:        ${app}/app/ambassadors
      applications:       ${app}/app/applications
      community:          ${app}/app/community
      offer and codes:    ${app}/app/program
      program settings:   ${app}/app/settings
      email, automation:  ${app}/app/integrations (local Klaviyo double: key ${DEMO_KLAVIYO_KEY})
  Storefront preview:     ${demo.storefrontUrl}/
      product page:       ${demo.storefrontUrl}/products/demo-product
      collection page:    ${demo.storefrontUrl}/collections/all
      cart and checkout:  ${demo.storefrontUrl}/cart

More: docs/demo.md. Press Ctrl+C to stop.
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void demo
      .close()
      .then(() => database.stop())
      .finally(() => process.exit(0));
  });
}
