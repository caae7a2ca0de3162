import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { receiveWebhook } from "../utils/webhooks.server";
import { recordScopes } from "../models/Shop/Shop.server";

const ScopesUpdatePayload = z.object({ current: z.array(z.string()) });

export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(
    request,
    (payload) => ScopesUpdatePayload.parse(payload),
    (tx, { current }, { shop }) => recordScopes(tx, shop, current),
  );
