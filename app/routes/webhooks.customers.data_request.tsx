import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveWebhook } from "../utils/webhooks.server";

// Compliance webhook, acknowledged once per delivery. Handing the merchant the report of
// what the app holds on the customer (customerDataReport) is tracked with the production
// readiness work.
export const action = ({ request }: ActionFunctionArgs) =>
  receiveWebhook(request, () => null, async () => {});
