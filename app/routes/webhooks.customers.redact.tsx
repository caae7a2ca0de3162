import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { receiveWebhook } from "../utils/webhooks.server";
import { eraseCustomerPersonalData } from "../models/Candidate/Candidate.server";
import { eraseAmbassadorPersonalData } from "../models/Ambassador/Ambassador.server";
import { eraseStorefrontPersonalData } from "../models/Application/Application.server";
import { eraseCustomerDeliveries } from "../models/WebhookInbox/WebhookInbox.server";
import { eraseDataRequestPersonalData } from "../models/CustomerDataRequest/CustomerDataRequest.server";

const CustomersRedactPayload = z.object({
  customer: z.object({
    id: z.union([z.number(), z.string()]),
    email: z.string().nullish(),
  }),
});

// Compliance: forget the customer's name, email, tags, application and what they wrote;
// keep anonymous aggregates (ids, counts, amounts, codes, dates).
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(
    request,
    (payload) => CustomersRedactPayload.parse(payload),
    async (tx, { customer }, { shop }) => {
      await eraseCustomerPersonalData(shop, String(customer.id), tx);
      // Storefront first: it finds the ambassador's content by the email erased next.
      await eraseStorefrontPersonalData(shop, { customerId: String(customer.id), email: customer.email }, tx);
      await eraseAmbassadorPersonalData(shop, { customerId: String(customer.id), email: customer.email }, tx);
      // Their orders' webhooks not applied yet: applying them later would write it all back.
      await eraseCustomerDeliveries(tx, shop, { customerId: String(customer.id), email: customer.email });
      await eraseDataRequestPersonalData(tx, shop, { customerId: String(customer.id), email: customer.email });
    },
  );
