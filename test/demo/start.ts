/**
 * `npm run demo`: the app's main job on its embedded default, with no Shopify account and
 * no internet. Starts the local shop (the real Admin API schema over an in-memory store,
 * seeded), points the app's Admin API calls at it, serves the built app with the demo
 * admin's session tokens, and a storefront preview that renders the theme extension.
 */
import { localDatabase } from "../../scripts/local-database";
import { startDemo } from "./demo";

const database = await localDatabase();
const demo = await startDemo({
  databaseUrl: database.url,
  appPort: Number(process.env.PORT || 3000),
  storefrontPort: Number(process.env.STOREFRONT_PORT || 3001),
  customers: Number(process.env.DEMO_CUSTOMERS || 3000),
  orders: Number(process.env.DEMO_ORDERS || 9000),
});

console.log(`
Ambassadors demo is running (local demo shop "${demo.shopName}", PostgreSQL at ${new URL(demo.databaseUrl).host}).

  Admin (embedded app):   ${demo.appUrl}/app
      candidates:         ${demo.appUrl}/app/candidates
      ambassadors:        ${demo.appUrl}/app/ambassadors
      applications:       ${demo.appUrl}/app/applications
      community:          ${demo.appUrl}/app/community
      offer and codes:    ${demo.appUrl}/app/program
      program settings:   ${demo.appUrl}/app/settings
  Storefront preview:     ${demo.storefrontUrl}/
      product page:       ${demo.storefrontUrl}/products/demo-product
      collection page:    ${demo.storefrontUrl}/collections/all

Press Ctrl+C to stop.
`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void demo
      .close()
      .then(() => database.stop())
      .finally(() => process.exit(0));
  });
}
