import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { receiveWebhook } from "../utils/webhooks.server";
import { recordDataRequest } from "../models/CustomerDataRequest/CustomerDataRequest.server";

const shopifyId = z.union([z.number(), z.string()]).transform(String);

const DataRequestPayload = z.object({
  customer: z.object({ id: shopifyId, email: z.string().nullish() }),
  orders_requested: z.array(shopifyId).nullish(),
  data_request: z.object({ id: shopifyId }).nullish(),
});

// Compliance: record the request (one insert, no Shopify call); the merchant downloads the
// report of what the app holds on the customer from Data requests (app.data-requests).
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(
    request,
    (payload) => DataRequestPayload.parse(payload),
    (tx, { customer, orders_requested, data_request }, { shop }) =>
      recordDataRequest(tx, shop, {
        requestId: data_request?.id,
        customerId: customer.id,
        email: customer.email,
        ordersRequested: orders_requested ?? [],
      }),
  );
