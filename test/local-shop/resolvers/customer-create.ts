import type { EmailMarketingState } from "../records";
import { normalizeTags } from "../store";
import type { LocalShopStore } from "../store";
import type { ResolverContext } from "./context";
import { customerView } from "./customers";
import { notImplemented, userError, type UserErrorView } from "./errors";

/** `CustomerInput` as `customerCreate` reads it here. */
interface CustomerCreateInput {
  id?: string | null;
  email?: string | null;
  phone?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  note?: string | null;
  locale?: string | null;
  tags?: string[] | null;
  taxExempt?: boolean | null;
  emailMarketingConsent?: { marketingState: string; marketingOptInLevel?: string | null; consentUpdatedAt?: string | null } | null;
  metafields?: unknown[] | null;
  addresses?: unknown[] | null;
  taxExemptions?: unknown[] | null;
  smsMarketingConsent?: unknown;
  whatsAppMarketingConsent?: unknown;
  multipassIdentifier?: string | null;
}

/** Input the local shop does not model: answering as if it were stored would be a lie. */
const UNMODELLED = ["metafields", "addresses", "taxExemptions", "smsMarketingConsent", "whatsAppMarketingConsent", "multipassIdentifier"] as const;

const MARKETING_STATES = new Set<string>(["NOT_SUBSCRIBED", "SUBSCRIBED", "UNSUBSCRIBED", "PENDING"]);
const MAX_NAME_LENGTH = 255;
const MAX_NOTE_LENGTH = 5000;
const MAX_TAG_LENGTH = 255;

/** Trimmed, and blank means absent (as Shopify treats "" for these fields). */
function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

const VALID_EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Phone numbers in international form (+ and digits, formatting ignored) → E.164. Shopify
 * also reads national numbers with the shop's country rules; the local shop does not guess.
 */
function normalizePhone(phone: string): string | "invalid" {
  const compact = phone.replace(/[\s().-]/g, "");
  if (/^\d+$/.test(compact)) throw notImplemented("customerCreate phone without a +country code");
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : "invalid";
}

/** Linear scans: tests edit `store.customers` directly, so an index could go stale. */
function emailTaken(store: LocalShopStore, email: string): boolean {
  const wanted = email.toLowerCase();
  return store.customers.some((c) => c.email?.toLowerCase() === wanted);
}

function phoneTaken(store: LocalShopStore, phone: string): boolean {
  return store.customers.some((c) => c.phone === phone);
}

/** `customerCreate`: Shopify's validation and userErrors; the customer starts DISABLED (no account yet). */
export function customerCreate(args: { input: CustomerCreateInput }, context: ResolverContext) {
  const { store } = context;
  const { input } = args;
  for (const key of UNMODELLED) {
    const value = input[key];
    if (value != null && !(Array.isArray(value) && value.length === 0)) throw notImplemented(`CustomerInput.${key} on customerCreate`);
  }
  const consent = input.emailMarketingConsent;
  if (consent && !MARKETING_STATES.has(consent.marketingState)) {
    throw notImplemented(`emailMarketingConsent.marketingState ${consent.marketingState}`);
  }
  if (consent?.marketingOptInLevel != null && consent.marketingOptInLevel !== "SINGLE_OPT_IN") {
    // Customer views derive the opt-in level (SINGLE_OPT_IN when subscribed); others would be lost.
    throw notImplemented(`emailMarketingConsent.marketingOptInLevel ${consent.marketingOptInLevel}`);
  }

  const errors: UserErrorView[] = [];
  const error = (field: string[] | null, message: string) => errors.push(userError("UserError", field, message));
  const email = text(input.email);
  const phoneInput = text(input.phone);
  const phone = phoneInput === null ? null : normalizePhone(phoneInput);
  const firstName = text(input.firstName);
  const lastName = text(input.lastName);
  const tags = normalizeTags(input.tags ?? []);

  if (input.id != null) error(["id"], "Cannot specify ID on creation");
  if (!email && !phone && !firstName && !lastName) error(null, "Customer must have a name, phone number or email address");
  if (consent && !email) error(["emailMarketingConsent"], "An email address is required to set the email marketing consent state.");
  if (email && !VALID_EMAIL.test(email)) error(["email"], "Email is invalid");
  else if (email && emailTaken(store, email)) error(["email"], "Email has already been taken");
  if (phone === "invalid") error(["phone"], "Phone is invalid");
  else if (phone && phoneTaken(store, phone)) error(["phone"], "Phone has already been taken");
  if (input.locale != null && !/^[a-z]{2}(-[A-Za-z]{2})?$/.test(input.locale)) error(["locale"], "Locale is invalid");
  if (firstName && firstName.length > MAX_NAME_LENGTH) error(["firstName"], `First name is too long (maximum is ${MAX_NAME_LENGTH} characters)`);
  if (lastName && lastName.length > MAX_NAME_LENGTH) error(["lastName"], `Last name is too long (maximum is ${MAX_NAME_LENGTH} characters)`);
  if (input.note && input.note.length > MAX_NOTE_LENGTH) error(["note"], `Note is too long (maximum is ${MAX_NOTE_LENGTH} characters)`);
  if (tags.some((t) => t.length > MAX_TAG_LENGTH)) error(["tags"], `Tags is too long (maximum is ${MAX_TAG_LENGTH} characters)`);
  if (errors.length) return { __typename: "CustomerCreatePayload", customer: null, userErrors: errors };

  const customer = store.addCustomer({
    email,
    phone: phone as string | null,
    firstName,
    lastName,
    tags,
    note: input.note ?? null,
    locale: input.locale ?? "en",
    taxExempt: input.taxExempt ?? false,
    emailMarketingState: (consent?.marketingState as EmailMarketingState | undefined) ?? "NOT_SUBSCRIBED",
    // Created by an app, the customer has no account until invited and activated.
    state: "DISABLED",
    verifiedEmail: true,
  });
  return { __typename: "CustomerCreatePayload", customer: customerView(customer), userErrors: [] };
}
