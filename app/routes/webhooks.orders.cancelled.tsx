import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../utils/webhooks.server";
import { applyOrderWebhook, parseOrderWebhook } from "../models/OrderHistory/order-webhooks.server";

export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, parseOrderWebhook, (tx, order, { shop }) => applyOrderWebhook(tx, shop, order));
