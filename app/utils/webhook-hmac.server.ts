import crypto from "node:crypto";

export interface VerifiedWebhook {
  shop: string;
  /** As authenticate.webhook names it: "orders/create" → "ORDERS_CREATE". */
  topic: string;
  webhookId: string;
  payload: unknown;
  /** The body exactly as Shopify signed it. */
  rawBody: string;
}

/**
 * Shopify's webhook check, as authenticate.webhook does it (@shopify/shopify-api's
 * webhooks.validate): POST only (405), HMAC-SHA256 of the raw body with the app's secret,
 * base64, compared in constant time (401), the delivery headers present (400).
 *
 * Why not authenticate.webhook itself on the inbox routes: it also loads the shop's
 * offline session from the database on every delivery (for an `admin` client these routes
 * never use). That read waits its turn on the one SQLite connection, behind the inbox
 * processor's batch — most of an acknowledgement's time under load. Everything the
 * acknowledgement needs is here; the other webhook routes keep authenticate.webhook.
 * Nor @shopify/shopify-api's `webhooks.validate` alone: measured beside this function, it
 * costs about 250 µs more CPU per delivery (several times this whole check), which alone
 * would put the webhook benchmark's ratio under its target.
 */
export async function verifyShopifyWebhook(request: Request, apiSecret: string): Promise<VerifiedWebhook> {
  if (request.method !== "POST") throw new Response(undefined, { status: 405, statusText: "Method not allowed" });
  const rawBody = await readWebhookBody(request);
  const hmac = request.headers.get("X-Shopify-Hmac-Sha256");
  if (!hmac || !apiSecret) throw new Response(undefined, { status: 400, statusText: "Bad Request" });
  const expected = crypto.createHmac("sha256", apiSecret).update(rawBody, "utf8").digest();
  const given = Buffer.from(hmac, "base64");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new Response(undefined, { status: 401, statusText: "Unauthorized" });
  }
  const topic = request.headers.get("X-Shopify-Topic");
  const shop = request.headers.get("X-Shopify-Shop-Domain");
  const webhookId = request.headers.get("X-Shopify-Webhook-Id");
  const apiVersion = request.headers.get("X-Shopify-API-Version");
  if (!topic || !shop || !webhookId || !apiVersion) {
    throw new Response(undefined, { status: 400, statusText: "Bad Request" });
  }
  assertShopDomain(shop);
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    // Signed by Shopify but not JSON: nothing to store (authenticate.webhook would throw).
    throw new Response(undefined, { status: 400, statusText: "Bad Request" });
  }
  return { shop, topic: topic.toUpperCase().replace(/\/|\./g, "_"), webhookId, payload, rawBody };
}

/**
 * The largest webhook body accepted (413 above it, before anything is stored). Shopify's
 * biggest payloads are orders with hundreds of line items, a few hundred KB to a few MB;
 * 8 MiB leaves room for those and stops a client from making the app buffer without end.
 */
export const MAX_WEBHOOK_BYTES = 8 * 1024 * 1024;

/** The raw body as UTF-8, read at most MAX_WEBHOOK_BYTES (a 413 Response is thrown past it). */
export async function readWebhookBody(request: Request): Promise<string> {
  const tooLarge = () => new Response(undefined, { status: 413, statusText: "Payload Too Large" });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BYTES) throw tooLarge();
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_WEBHOOK_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/**
 * X-Shopify-Shop-Domain must be a shop's myshopify.com domain (400 otherwise): it keys
 * every row the delivery writes. A well-formed domain of a shop without a session is
 * accepted (the HMAC proves Shopify sent it): compliance webhooks arrive after uninstall.
 */
export function assertShopDomain(shop: string) {
  if (!/^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/.test(shop)) {
    throw new Response(undefined, { status: 400, statusText: "Bad Request" });
  }
}
