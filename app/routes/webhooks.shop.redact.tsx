import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { checkWebhookRequest } from "../utils/webhook-request.server";
import { storeDelivery } from "../models/WebhookInbox/WebhookInbox.server";
import { applyDeliveriesSoon } from "../jobs/webhook-inbox.server";

/**
 * Stored and answered; the webhook-inbox job applies it (app/models/WebhookInbox/topics.server.ts).
 * Compliance: erases everything the app holds on the shop.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const webhook = await authenticate.webhook(await checkWebhookRequest(request));
  await storeDelivery("SHOP_REDACT", webhook);
  applyDeliveriesSoon(webhook.shop);
  return new Response();
};
