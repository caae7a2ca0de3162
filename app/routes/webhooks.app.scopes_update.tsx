import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { receiveWebhook } from "../utils/webhooks.server";
import { recordScopes } from "../models/Shop/Shop.server";

const ScopesUpdatePayload = z.object({ current: z.array(z.string()), updated_at: z.string().datetime({ offset: true }).nullish() });

export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(
    request,
    (payload) => ScopesUpdatePayload.parse(payload),
    // When Shopify changed them: the payload's updated_at, else the delivery's trigger time.
    (tx, { current, updated_at }, { shop, triggeredAt }) =>
      recordScopes(tx, shop, current, updated_at ? new Date(updated_at) : (triggeredAt ?? new Date())),
  );
