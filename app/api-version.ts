/**
 * The one Admin API version of the whole app: the server (`shopify.server.ts`), codegen
 * (`.graphqlrc.ts`), the local shop and `shopify.app.toml` (checked by a test) all use it.
 */
export const ADMIN_API_VERSION = "2026-10";
