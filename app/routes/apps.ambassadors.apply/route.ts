import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { enqueueProvisioning } from "../../jobs/ambassador-provisioning.server";
import { submitApplication } from "../../models/Application/Application.server";
import {
  formOutcomeResponse,
  postOnly,
  readFormFields,
  readStorefrontRequest,
  storefrontJson,
} from "../../models/Storefront/proxy-context.server";
import { rateLimitIdentity } from "../../models/Storefront/visitor.server";

/**
 * App proxy: POST https://<shop>/apps/ambassadors/apply, signed by Shopify. The signup
 * block's application (name, email, social_handle, reason, consent; `website` is the
 * honeypot). 200 accepted (pending or approved), 422 field errors, 429 rate-limited.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerId, installed, client } = await readStorefrontRequest(request);
  if (!installed) {
    return storefrontJson({ ok: false, message: "The ambassador program is not available right now." }, 503);
  }
  const fields = await readFormFields(request);
  if (fields instanceof Response) return fields;
  const result = await submitApplication(shop, { customerId, clientIdentity: rateLimitIdentity(client) }, fields);
  if (result.kind === "accepted" && result.approvedNow) enqueueProvisioning(shop);
  return formOutcomeResponse(result);
};

export const loader = ({ request }: LoaderFunctionArgs) => postOnly(request);
