import { z } from "zod";
import prisma from "../../db.server";
import {
  optionalText,
  parseForm,
  requiredText,
  webLink,
  type FieldErrors,
} from "./form-input.server";
import { storefrontRules, takeRateLimit, type StorefrontAction } from "./rate-limit.server";

/**
 * What ambassadors send from the portal block: links to content they made, and feedback
 * the merchant reads in admin. Only an active or paused ambassador of the shop, identified
 * by Shopify's logged_in_customer_id, can send either.
 */
export const CONTENT_LIMITS = { url: 2048, note: 500 } as const;
export const FEEDBACK_LIMITS = { message: 2000 } as const;

const contentInput = z.object({
  url: webLink("Link", CONTENT_LIMITS.url),
  note: optionalText("Note", CONTENT_LIMITS.note),
});

const feedbackInput = z.object({
  rating: optionalText("Rating", 16)
    .refine((value) => value === "" || /^[1-5]$/.test(String(value)), {
      message: "Choose a rating from 1 to 5.",
      params: { code: "invalid_rating" },
    })
    .transform((value) => (value === "" ? null : Number(value))),
  message: requiredText("Message", FEEDBACK_LIMITS.message),
});

export type SubmissionResult =
  | { kind: "saved"; message: string }
  | { kind: "invalid"; message: string; fieldErrors: FieldErrors }
  | { kind: "forbidden"; message: string }
  | { kind: "rate_limited"; message: string; retryAfterSeconds: number };

const NOT_AN_AMBASSADOR = "Only the store's ambassadors can send this.";
const CHECK_FIELDS = "Please check the highlighted fields.";
const SLOW_DOWN = "You have sent a lot in a short time. Please try again later.";

/** The ambassador a logged-in customer is, when they may use the portal. */
export async function portalAmbassadorId(shop: string, customerId: string | null): Promise<string | null> {
  if (!customerId) return null;
  const ambassador = await prisma.ambassador.findUnique({
    where: { shop_customerId: { shop, customerId } },
    select: { id: true, status: true },
  });
  return ambassador && (ambassador.status === "active" || ambassador.status === "paused") ? ambassador.id : null;
}

/**
 * Who may send, whether the input is valid, and whether they are within their limits, in
 * that order: a refused or invalid request stores nothing.
 */
async function admit<T extends z.ZodTypeAny>(
  shop: string,
  customerId: string | null,
  action: StorefrontAction,
  schema: T,
  fields: Record<string, string>,
): Promise<{ ambassadorId: string; data: z.infer<T> } | SubmissionResult> {
  const ambassadorId = await portalAmbassadorId(shop, customerId);
  if (!ambassadorId) return { kind: "forbidden", message: NOT_AN_AMBASSADOR };
  const parsed = parseForm(schema, fields);
  if (!parsed.ok) return { kind: "invalid", message: CHECK_FIELDS, fieldErrors: parsed.fieldErrors };
  const limit = await takeRateLimit(shop, storefrontRules(action, `ambassador:${ambassadorId}`));
  if (!limit.ok) return { kind: "rate_limited", message: SLOW_DOWN, retryAfterSeconds: limit.retryAfterSeconds };
  return { ambassadorId, data: parsed.data };
}

export async function submitContent(
  shop: string,
  customerId: string | null,
  fields: Record<string, string>,
): Promise<SubmissionResult> {
  const admitted = await admit(shop, customerId, "content", contentInput, fields);
  if ("kind" in admitted) return admitted;
  await prisma.contentSubmission.create({
    data: { shop, ambassadorId: admitted.ambassadorId, url: admitted.data.url, note: admitted.data.note },
  });
  return { kind: "saved", message: "Thanks! We've received your link." };
}

export async function submitFeedback(
  shop: string,
  customerId: string | null,
  fields: Record<string, string>,
): Promise<SubmissionResult> {
  const admitted = await admit(shop, customerId, "feedback", feedbackInput, fields);
  if ("kind" in admitted) return admitted;
  await prisma.ambassadorFeedback.create({
    data: {
      shop,
      ambassadorId: admitted.ambassadorId,
      rating: admitted.data.rating,
      message: admitted.data.message,
    },
  });
  return { kind: "saved", message: "Thanks for your feedback!" };
}
