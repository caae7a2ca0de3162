/**
 * The local shop: a test double of ONE Shopify store at the network edge, speaking the real
 * Admin GraphQL API (see README.md next to this file).
 */
export { startLocalShop, type LocalShop, type LocalShopOptions } from "./server";
export { LocalShopStore, DEFAULT_GRANTED_SCOPES, RECENT_ORDERS_WINDOW_MS, type NewCustomer, type NewOrder } from "./store";
export type * from "./records";
export { orderAmounts, financialStatus } from "./order-amounts";
export { seedStore, mulberry32, type SeedOptions, type SeedSummary } from "./seed";
export { loadAdminSchema, loadOfflineScopes } from "./schema";
export { calculateQueryCost, MAX_QUERY_COST } from "./cost";
export { LeakyBucket, type ThrottleOptions, type ThrottleStatus } from "./throttle";
export {
  customerWebhookPayload,
  orderWebhookPayload,
  shopWebhookPayload,
  complianceWebhookPayloads,
  orderAsOf,
  refundWebhookPayload,
} from "./webhook-payloads";
export {
  checkDiscountCode,
  checkoutTotals,
  completeCheckout,
  customerByEmail,
  type CheckoutInput,
  type CheckoutLine,
  type CheckoutResult,
  type CheckoutTotals,
  type DiscountCheck,
} from "./checkout";
export { signWebhookBody, buildWebhook, deliverWebhook, type WebhookOptions, type BuiltWebhook } from "./webhooks";
export { appProxySignature, signAppProxyParams, APP_PROXY_PATH_PREFIX, type ProxyParams } from "./app-proxy";
export { mintSessionToken, verifySessionToken, type SessionTokenPayload, type MintSessionTokenOptions } from "./session-token";
export {
  installShopifyFetchRedirect,
  uninstallShopifyFetchRedirect,
  isShopifyFetchRedirectInstalled,
  ShopifyHostRefusedError,
} from "./fetch-redirect";
export { gid, parseGid } from "./ids";
export type { FaultKind, FaultSpec, FaultUserError, ActiveFault, LocalShopFaults } from "./faults";
export { formatDecimal } from "./money";
