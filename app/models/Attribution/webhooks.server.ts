/**
 * The order and refund webhook routes: checked (HMAC, payload shape) and stored in the
 * webhook inbox, answered once stored; the inbox processor
 * (./inbox-processing.server.ts) applies them in batches — facts, attribution, reward
 * ledger — and then does what calls Shopify (pausing a leaked code, tier tags).
 */
import { receiveIntoInbox } from "../../utils/webhooks.server";
import { parseOrderWebhook, parseRefundWebhook } from "../OrderHistory/order-webhooks.server";
import { enqueueWebhookInbox } from "../../jobs/webhook-inbox.server";

/** orders/create, orders/updated, orders/cancelled. */
export function receiveOrderWebhook(request: Request): Promise<Response> {
  return receiveIntoInbox(request, parseOrderWebhook, enqueueWebhookInbox);
}

/** refunds/create. */
export function receiveRefundWebhook(request: Request): Promise<Response> {
  return receiveIntoInbox(request, parseRefundWebhook, enqueueWebhookInbox);
}
