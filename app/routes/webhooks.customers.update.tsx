import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../utils/webhooks.server";
import { applyCustomerWebhook, parseCustomerWebhook } from "../models/OrderHistory/order-webhooks.server";

export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, parseCustomerWebhook, (tx, profile, { shop }) => applyCustomerWebhook(tx, shop, profile));
