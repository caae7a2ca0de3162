import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { receiveWebhook } from "../utils/webhooks.server";
import { eraseCustomerPersonalData } from "../models/Candidate/Candidate.server";

const CustomersRedactPayload = z.object({
  customer: z.object({ id: z.union([z.number(), z.string()]) }),
});

// Compliance: forget the customer's name, email and tags; keep anonymous aggregates.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(
    request,
    (payload) => CustomersRedactPayload.parse(payload),
    async (tx, { customer }, { shop }) => {
      await eraseCustomerPersonalData(shop, String(customer.id), tx);
    },
  );
