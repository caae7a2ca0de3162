import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveOrderWebhook } from "../models/Attribution/webhooks.server";

/** Stores the order, attributes it to the ambassador whose code it used, flags fraud. */
export const action = ({ request }: ActionFunctionArgs) => receiveOrderWebhook(request);
