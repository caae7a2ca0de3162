/**
 * What the checkout (Thank you, Order status) and customer account UI extensions show and
 * do. They read the storefront portal's model (`loadPortal`) and apply through the
 * storefront's application model (`submitApplication`, with its auto-approval), so a
 * customer sees the same code, link and numbers wherever they look.
 *
 * The customer is the one Shopify signed into the extension's session token (`sub`);
 * their name and email come from the Admin API, never from the extension.
 */
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { adminQuery } from "../../utils/admin-graphql.server";
import { CustomerContactQuery } from "../../graphql/CustomerContactQuery";
import { submitApplication, type ApplyResult } from "../Application/Application.server";
import { meetsThreshold } from "../Application/auto-approve.server";
import { checkoutInviteOf } from "../AmbassadorProgram/checkout-invite";
import { getProgramSettings } from "../ProgramSettings/ProgramSettings.server";
import { loadPortal, type PortalView } from "../Storefront/Portal.server";
import { takeRateLimit, type RateLimitRule } from "../Storefront/rate-limit.server";
import type { FormOutcome } from "../Storefront/proxy-context.server";
import { submitContent, submitFeedback, type SubmissionResult } from "../Storefront/Submissions.server";

/** What the checkout blocks show: an invitation, a pending application, or the code and link. */
export interface CheckoutOffer {
  /** Show "Become an ambassador" (the customer qualifies and has not applied). */
  invite: boolean;
  membership: PortalView["membership"];
  application?: { status: "pending" | "approved" | "rejected" };
  ambassador?: {
    firstName: string;
    status: string;
    code: string | null;
    shareUrl: string | null;
    sharingPaused: string | null;
  };
}

/**
 * Whether the program invites this customer at checkout: nobody, everyone with a customer
 * account, or repeat buyers by the program's settings (the candidate threshold), as the
 * app knows their orders now.
 */
export async function invitedAtCheckout(shop: string, customerId: string, now: Date = new Date()): Promise<boolean> {
  const program = await prisma.ambassadorProgram.findUnique({ where: { shop }, select: { checkoutInvite: true } });
  const invite = checkoutInviteOf(program?.checkoutInvite);
  if (invite === "nobody") return false;
  if (invite === "everyone") return true;
  const [stats, settings] = await Promise.all([
    prisma.customerStats.findUnique({
      where: { shop_customerId: { shop, customerId } },
      select: { orderCount: true, netSpentCents: true, lastOrderAt: true },
    }),
    getProgramSettings(shop),
  ]);
  return Boolean(stats && meetsThreshold(stats, settings, now));
}

export async function loadCheckoutOffer(
  shop: string,
  customerId: string | null,
  { installed, now = new Date() }: { installed: boolean; now?: Date },
): Promise<CheckoutOffer> {
  const portal = await loadPortal(shop, customerId, { installed, now });
  const invite =
    portal.open && customerId !== null && portal.membership === "none" && (await invitedAtCheckout(shop, customerId, now));
  const ambassador = portal.ambassador;
  return {
    invite,
    membership: portal.membership,
    ...(portal.application ? { application: portal.application } : {}),
    ...(ambassador
      ? {
          ambassador: {
            firstName: ambassador.firstName,
            status: ambassador.status,
            code: ambassador.code,
            shareUrl: ambassador.shareUrl,
            sharingPaused: ambassador.sharingPaused,
          },
        }
      : {}),
  };
}

/** The customer's name and email as Shopify holds them; null when Shopify has no such customer. */
export async function customerContact(
  graphql: AdminGraphqlClient,
  customerId: string,
): Promise<{ name: string; email: string | null } | null> {
  const { customer } = await adminQuery(graphql, CustomerContactQuery, { id: `gid://shopify/Customer/${customerId}` });
  if (!customer) return null;
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(" ").trim();
  return { name, email: customer.defaultEmailAddress?.emailAddress ?? null };
}

export type ExtensionApplyResult =
  | ApplyResult
  | { kind: "forbidden"; message: string }
  | { kind: "no_email"; message: string };

const MESSAGES = {
  notInvited: "The ambassador program is not taking applications here.",
  noEmail: "Your account has no email address. Please apply with the signup form on our store.",
};

/**
 * One tap applies: the customer's Shopify name and email, consent given by the tap (the
 * block states the terms next to the button). A second tap merges into the same
 * application (one per shop and email). From checkout, only an invited customer may
 * apply (`requireInvite`); the account page is the signup and takes anyone.
 * Rate-limited per customer and per shop, as the signup block is.
 */
export async function applyFromExtension(
  shop: string,
  customerId: string,
  contact: { name: string; email: string | null },
  { requireInvite, now = new Date() }: { requireInvite: boolean; now?: Date },
): Promise<ExtensionApplyResult> {
  if (requireInvite && !(await invitedAtCheckout(shop, customerId, now))) {
    const already = await prisma.ambassadorApplication.findFirst({ where: { shop, customerId }, select: { id: true } });
    if (!already) return { kind: "forbidden", message: MESSAGES.notInvited };
  }
  if (!contact.email) return { kind: "no_email", message: MESSAGES.noEmail };
  return submitApplication(
    shop,
    { customerId, clientIdentity: `customer:${customerId}` },
    { name: contact.name || contact.email.split("@")[0], email: contact.email, consent: "on" },
    now,
  );
}

/** Reads are cheap but not free: a page load makes one; these leave room for many reloads. */
export const EXTENSION_READ_LIMITS = {
  perCustomer: { limit: 120, windowMs: 10 * 60_000 },
  perShop: { limit: 5_000, windowMs: 10 * 60_000 },
} as const;

/** Takes one read from the customer's (or the anonymous buyer's shop-wide) window. */
export async function takeExtensionRead(shop: string, customerId: string | null, now: Date = new Date()) {
  const rules: RateLimitRule[] = [
    ...(customerId
      ? [{ name: "extension-read:customer", identity: `customer:${customerId}`, ...EXTENSION_READ_LIMITS.perCustomer }]
      : []),
    { name: "extension-read:shop", identity: null, ...EXTENSION_READ_LIMITS.perShop },
  ];
  return takeRateLimit(shop, rules, now);
}

/** The account page's content and feedback forms: the portal block's, for the same ambassador. */
export function submitFromAccount(
  shop: string,
  customerId: string,
  intent: "content" | "feedback",
  fields: Record<string, string>,
): Promise<SubmissionResult> {
  return intent === "content" ? submitContent(shop, customerId, fields) : submitFeedback(shop, customerId, fields);
}

/** An extension apply or submission as the storefront's form outcomes (status codes in formOutcomeResponse). */
export function extensionOutcome(result: ExtensionApplyResult | SubmissionResult): FormOutcome {
  if (result.kind === "no_email") return { kind: "invalid", message: result.message, fieldErrors: {} };
  if (result.kind === "accepted") return { kind: "accepted", message: result.message, status: result.status };
  return result;
}
