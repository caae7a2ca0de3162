import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveRefundWebhook } from "../models/Attribution/webhooks.server";

/** Records the refund and lowers the attributed order's net. */
export const action = ({ request }: ActionFunctionArgs) => receiveRefundWebhook(request);
