import type { Prisma } from "@prisma/client";
import { authenticate } from "../shopify.server";
import { handleOnce } from "../models/WebhookDelivery/WebhookDelivery.server";
import { appendToInbox } from "../models/WebhookInbox/WebhookInbox.server";
import { assertShopDomain, readWebhookBody, verifyShopifyWebhook } from "./webhook-hmac.server";

export interface WebhookContext {
  shop: string;
  topic: string;
  webhookId: string;
  /** X-Shopify-Triggered-At: when the event happened in Shopify (deliveries come in any order). */
  triggeredAt?: Date;
}

/**
 * The shape of every webhook route: Shopify's HMAC check (`authenticate.webhook`: a bad
 * signature is answered 401 before anything is read), then `parse` the payload (a payload
 * it rejects is answered 422 and changes nothing), then `apply` it once per delivery id in
 * one transaction. Anything else that fails answers 500, so Shopify delivers again.
 * `apply` must only write through `tx`: work that writes on its own (e.g. waking a job)
 * starts after this returns, or it would interleave with the open SQLite transaction.
 */
export async function receiveWebhook<Parsed>(
  request: Request,
  parse: (payload: unknown) => Parsed,
  apply: (tx: Prisma.TransactionClient, parsed: Parsed, context: WebhookContext) => Promise<void>,
): Promise<Response> {
  const { shop, topic, webhookId, payload, triggeredAt } = await authenticateWebhook(request);
  let parsed: Parsed;
  try {
    parsed = parse(payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new Response(`Malformed ${topic} payload: ${reason}`, { status: 422 });
  }
  const triggered = triggeredAt ? new Date(triggeredAt) : undefined;
  const context = { shop, topic, webhookId, triggeredAt: triggered && !isNaN(triggered.getTime()) ? triggered : undefined };
  await handleOnce({ shop, topic, webhookId }, (tx) => apply(tx, parsed, context));
  return new Response();
}

/**
 * `authenticate.webhook` (HMAC 401, missing headers 400) behind the checks it lacks: a
 * body over MAX_WEBHOOK_BYTES is 413, a signed body that is not JSON is 400 (the library
 * throws a SyntaxError, a 500 Shopify would retry for days), a shop header that is not a
 * myshopify.com domain is 400.
 */
async function authenticateWebhook(request: Request) {
  if (request.method !== "POST") return authenticate.webhook(request);
  const rawBody = await readWebhookBody(request);
  // Before the library, which throws (500) on a shop it cannot build a session id for.
  const shopHeader = request.headers.get("X-Shopify-Shop-Domain");
  if (shopHeader !== null) assertShopDomain(shopHeader);
  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    context = await authenticate.webhook(new Request(request.url, { method: "POST", headers: request.headers, body: rawBody }));
  } catch (error) {
    if (error instanceof SyntaxError) throw new Response(undefined, { status: 400, statusText: "Bad Request" });
    throw error;
  }
  return context;
}

/**
 * The shape of the inbox routes (orders, refunds): the same HMAC check (401) and payload
 * check (422, nothing stored) as `receiveWebhook`, then the delivery is stored in the
 * webhook inbox and answered 200 once that row is durably committed; applying it is the
 * inbox processor's job (`onStored` wakes it). A redelivery is stored once. A failed
 * commit answers 500, so Shopify delivers again.
 */
export async function receiveIntoInbox(
  request: Request,
  parse: (payload: unknown) => unknown,
  onStored: (shop: string) => void,
): Promise<Response> {
  // Not authenticate.webhook: the same check without its session read (see there).
  const { shop, topic, webhookId, payload, rawBody } = await verifyShopifyWebhook(
    request,
    process.env.SHOPIFY_API_SECRET || "",
  );
  try {
    parse(payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new Response(`Malformed ${topic} payload: ${reason}`, { status: 422 });
  }
  await appendToInbox({ webhookId, shop, topic, payload: rawBody });
  onStored(shop);
  return new Response();
}
