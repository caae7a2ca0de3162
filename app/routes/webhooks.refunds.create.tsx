import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../utils/webhooks.server";
import { applyRefundWebhook, parseRefundWebhook } from "../models/OrderHistory/order-webhooks.server";

export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, parseRefundWebhook, (tx, refund, { shop }) => applyRefundWebhook(tx, shop, refund));
