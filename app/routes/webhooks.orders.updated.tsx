import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveOrderWebhook } from "../models/Attribution/webhooks.server";

/** Updates the order and its attribution (net of refunds, items removed). */
export const action = ({ request }: ActionFunctionArgs) => receiveOrderWebhook(request);
