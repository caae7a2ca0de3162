import type { Prisma } from "@prisma/client";
import { authenticate } from "../shopify.server";
import { handleOnce } from "../models/WebhookDelivery/WebhookDelivery.server";
import { appendToInbox } from "../models/WebhookInbox/WebhookInbox.server";
import { verifyShopifyWebhook } from "./webhook-hmac.server";

export interface WebhookContext {
  shop: string;
  topic: string;
  webhookId: string;
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
  const { shop, topic, webhookId, payload } = await authenticate.webhook(request);
  let parsed: Parsed;
  try {
    parsed = parse(payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new Response(`Malformed ${topic} payload: ${reason}`, { status: 422 });
  }
  const context = { shop, topic, webhookId };
  await handleOnce(context, (tx) => apply(tx, parsed, context));
  return new Response();
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
