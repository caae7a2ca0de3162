import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { authenticate } from "../shopify.server";
import { handleOnce } from "../models/WebhookDelivery/WebhookDelivery.server";
import { recordScopes } from "../models/Shop/Shop.server";

const ScopesUpdatePayload = z.object({ current: z.array(z.string()) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, topic, webhookId, payload } = await authenticate.webhook(request);
  const parsed = ScopesUpdatePayload.safeParse(payload);
  if (!parsed.success) {
    return new Response("Malformed app/scopes_update payload", { status: 422 });
  }
  await handleOnce({ webhookId, shop, topic }, (tx) =>
    recordScopes(tx, shop, parsed.data.current),
  );
  return new Response();
};
