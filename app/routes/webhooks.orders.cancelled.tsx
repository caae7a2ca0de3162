import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveOrderWebhook } from "../models/Attribution/webhooks.server";

/** A cancelled order keeps its attribution with a net of 0. */
export const action = ({ request }: ActionFunctionArgs) => receiveOrderWebhook(request);
