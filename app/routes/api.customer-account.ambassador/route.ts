import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { unauthenticated } from "../../shopify.server";
import { enqueueProvisioning } from "../../jobs/ambassador-provisioning.server";
import {
  applyFromExtension,
  customerContact,
  extensionOutcome,
  submitFromAccount,
  takeExtensionRead,
} from "../../models/CustomerExtension/CustomerExtension.server";
import { loadPortal } from "../../models/Storefront/Portal.server";
import { formOutcomeResponse } from "../../models/Storefront/proxy-context.server";
import { extensionJson, readExtensionRequest, readJsonFields } from "../../utils/extension-request.server";

/**
 * The customer account page extension's endpoint, authorized by its session token (shop
 * from `dest`, the signed-in customer from `sub`).
 * GET: the portal (the theme portal block's read model): code, link, numbers, rewards, news.
 * POST {intent: "apply"}: the signup, with the customer's Shopify name and email.
 * POST {intent: "content" | "feedback", ...}: the portal's forms.
 * OPTIONS: CORS preflight. 401 for a bad, expired or foreign token; 429 when rate-limited.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, customerId, cors } = await readExtensionRequest(request, "customerAccount");
  const limit = await takeExtensionRead(shop, customerId);
  if (!limit.ok) return tooMany(cors, limit.retryAfterSeconds);
  return extensionJson(cors, await loadPortal(shop, customerId, { installed: true }));
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, customerId, cors } = await readExtensionRequest(request, "customerAccount");
  if (request.method !== "POST") return extensionJson(cors, { ok: false, message: "Use POST." }, 405, { Allow: "GET, POST" });
  if (!customerId) return extensionJson(cors, { ok: false, message: "Sign in to your account first." }, 403);
  const fields = await readJsonFields(request);
  if (!fields) return extensionJson(cors, { ok: false, message: "This request is not a JSON object." }, 400);
  const { intent, ...rest } = fields;
  if (intent === "content" || intent === "feedback") {
    return cors(formOutcomeResponse(extensionOutcome(await submitFromAccount(shop, customerId, intent, rest))));
  }
  if (intent !== "apply") return extensionJson(cors, { ok: false, message: "Unknown intent." }, 400);
  const limit = await takeExtensionRead(shop, customerId);
  if (!limit.ok) return tooMany(cors, limit.retryAfterSeconds);
  const { admin } = await unauthenticated.admin(shop);
  const contact = await customerContact(admin.graphql, customerId);
  if (!contact) return extensionJson(cors, { ok: false, message: "Your customer account was not found." }, 404);
  const result = await applyFromExtension(shop, customerId, contact, { requireInvite: false });
  if (result.kind === "accepted" && result.approvedNow) enqueueProvisioning(shop);
  return cors(formOutcomeResponse(extensionOutcome(result)));
};

function tooMany(cors: (response: Response) => Response, retryAfterSeconds: number) {
  return extensionJson(cors, { ok: false, message: "Too many requests. Please try again in a few minutes." }, 429, {
    "Retry-After": String(retryAfterSeconds),
  });
}
