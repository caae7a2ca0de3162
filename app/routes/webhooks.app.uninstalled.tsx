import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../utils/webhooks.server";
import { markUninstalled } from "../models/Shop/Shop.server";

export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, () => null, (tx, _payload, { shop }) => markUninstalled(tx, shop));
