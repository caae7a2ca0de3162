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
  const rawBody = await request.text();
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
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    // Signed by Shopify but not JSON: nothing to store (authenticate.webhook would throw).
    throw new Response(undefined, { status: 400, statusText: "Bad Request" });
  }
  return { shop, topic: topic.toUpperCase().replace(/\/|\./g, "_"), webhookId, payload, rawBody };
}
