import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../../shopify.server";
import { resolveFraudFlag } from "../../models/Fraud/Fraud.server";

/** Action only: the merchant looked at a fraud flag ("Mark as reviewed"). */
export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const found = await resolveFraudFlag(session.shop, params.id ?? "");
  if (!found) return Response.json({ error: "This flag does not exist in your store." }, { status: 404 });
  return { ok: true };
};
