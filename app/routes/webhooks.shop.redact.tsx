import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { handleOnce } from "../models/WebhookDelivery/WebhookDelivery.server";
import { eraseShop } from "../models/Shop/Shop.server";

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId } = await authenticate.webhook(request);
  await handleOnce({ webhookId, shop, topic }, (tx) => eraseShop(tx, shop));
  return new Response();
};
