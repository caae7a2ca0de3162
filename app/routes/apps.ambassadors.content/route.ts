import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { submitContent } from "../../models/Storefront/Submissions.server";
import {
  formOutcomeResponse,
  postOnly,
  readFormFields,
  readStorefrontRequest,
} from "../../models/Storefront/proxy-context.server";

/**
 * App proxy: POST https://<shop>/apps/ambassadors/content, signed by Shopify. An
 * ambassador shares a link to content they made (url, note). 403 for anyone who is not
 * an active or paused ambassador of the shop.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerId } = await readStorefrontRequest(request);
  const fields = await readFormFields(request);
  if (fields instanceof Response) return fields;
  return formOutcomeResponse(await submitContent(shop, customerId, fields));
};

export const loader = ({ request }: LoaderFunctionArgs) => postOnly(request);
