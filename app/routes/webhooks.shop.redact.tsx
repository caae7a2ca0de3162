import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../utils/webhooks.server";
import { eraseShop } from "../models/Shop/Shop.server";

export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, () => null, (tx, _payload, { shop }) => eraseShop(tx, shop));
