import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { unauthenticated } from "../../shopify.server";
import { enqueueProvisioning } from "../../jobs/ambassador-provisioning.server";
import {
  applyFromExtension,
  customerContact,
  extensionOutcome,
  loadCheckoutOffer,
  takeExtensionRead,
} from "../../models/CustomerExtension/CustomerExtension.server";
import { formOutcomeResponse } from "../../models/Storefront/proxy-context.server";
import { extensionJson, readExtensionRequest } from "../../utils/extension-request.server";

/**
 * The checkout UI extension's endpoint (Thank you and Order status blocks), authorized by
 * the extension's session token: shop from `dest`, customer from `sub`.
 * GET: what the block shows (invitation, pending application, or code and link).
 * POST: "Become an ambassador": applies with the customer's Shopify name and email.
 * OPTIONS: CORS preflight. 401 for a bad, expired or foreign token; 429 when rate-limited.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId, cors } = await readExtensionRequest(request, "checkout");
  const limit = await takeExtensionRead(shop, customerId);
  if (!limit.ok) return tooMany(cors, limit.retryAfterSeconds);
  return extensionJson(cors, await loadCheckoutOffer(shop, customerId, { installed: true }));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerId, cors } = await readExtensionRequest(request, "checkout");
  if (request.method !== "POST") return extensionJson(cors, { ok: false, message: "Use POST." }, 405, { Allow: "GET, POST" });
  if (!customerId) {
    // A guest's token has no customer: there is no account to link an ambassador to.
    return extensionJson(cors, { ok: false, message: "Sign in to your account to join the program." }, 403);
  }
  const limit = await takeExtensionRead(shop, customerId);
  if (!limit.ok) return tooMany(cors, limit.retryAfterSeconds);
  const { admin } = await unauthenticated.admin(shop);
  const contact = await customerContact(admin.graphql, customerId);
  if (!contact) return extensionJson(cors, { ok: false, message: "Your customer account was not found." }, 404);
  const result = await applyFromExtension(shop, customerId, contact, { requireInvite: true });
  if (result.kind === "accepted" && result.approvedNow) enqueueProvisioning(shop);
  return cors(formOutcomeResponse(extensionOutcome(result)));
};

function tooMany(cors: (response: Response) => Response, retryAfterSeconds: number) {
  return extensionJson(cors, { ok: false, message: "Too many requests. Please try again in a few minutes." }, 429, {
    "Retry-After": String(retryAfterSeconds),
  });
}
