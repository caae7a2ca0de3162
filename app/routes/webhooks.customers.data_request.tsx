import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { handleOnce } from "../models/WebhookDelivery/WebhookDelivery.server";

// Compliance webhook. The app does not hold customer personal data yet (only
// sessions); when it does, this reports it to the merchant.
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId } = await authenticate.webhook(request);
  await handleOnce({ webhookId, shop, topic }, async () => {});
  return new Response();
};
