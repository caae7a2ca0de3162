/**
 * Storefront applications to the ambassador program (POST /apps/ambassadors/apply).
 * One application per shop and email: a second submission merges into the first and is
 * counted. Approval itself belongs to the Ambassador model (`approveApplications`).
 */
import { z } from "zod";
import { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import {
  emailAddress,
  optionalText,
  parseForm,
  requiredText,
  type FieldErrors,
} from "../Storefront/form-input.server";
import { storefrontRules, takeRateLimit } from "../Storefront/rate-limit.server";
import { autoApproveIfEligible } from "./auto-approve.server";
import { recordProgramEvent } from "../ProgramEvents/ProgramEvents.server";

export const APPLICATION_LIMITS = { name: 100, socialHandle: 100, reason: 1000 } as const;

/** The form's field names (x-www-form-urlencoded), as the signup block posts them. */
export const applicationInput = z.object({
  name: requiredText("Name", APPLICATION_LIMITS.name),
  email: emailAddress(),
  social_handle: optionalText("Social handle", APPLICATION_LIMITS.socialHandle),
  reason: optionalText("Why you love the store", APPLICATION_LIMITS.reason),
  consent: z.preprocess(
    (value) => (value === "on" || value === "true" || value === "1" ? true : false),
    z.literal(true, { errorMap: () => ({ message: "Please agree to the program terms to apply." }) }),
  ),
});

/** The honeypot: hidden from people, filled in by form-spamming bots. */
export const HONEYPOT_FIELD = "website";

export type ApplicationStatus = "pending" | "approved";

export type ApplyResult =
  | {
      kind: "accepted";
      status: ApplicationStatus;
      message: string;
      /** Approved by this submission: the caller starts provisioning (the code in Shopify). */
      approvedNow: boolean;
    }
  | { kind: "invalid"; message: string; fieldErrors: FieldErrors }
  | { kind: "rate_limited"; message: string; retryAfterSeconds: number };

export interface Applicant {
  /** Shopify's logged_in_customer_id; null when nobody is logged in. */
  customerId: string | null;
  /** The connection (IP and user agent), for the per-client rate limit only; null if unknown. */
  clientIdentity: string | null;
}

const MESSAGES = {
  pending: "Thanks for applying! We'll be in touch soon.",
  approved: "Welcome aboard! You're now one of our ambassadors.",
  invalid: "Please check the highlighted fields.",
  rateLimited: "Too many applications from here in a short time. Please try again in a few minutes.",
};

/**
 * Validates, rate-limits and stores an application, then approves it at once when the
 * shop's rules say so (see auto-approve.server.ts); `approvedNow` tells the caller to
 * start provisioning. A filled honeypot is answered as if
 * accepted and stores nothing; a refused request stores nothing either.
 */
export async function submitApplication(
  shop: string,
  applicant: Applicant,
  fields: Record<string, string>,
  now: Date = new Date(),
): Promise<ApplyResult> {
  if ((fields[HONEYPOT_FIELD] ?? "").trim() !== "") {
    return { kind: "accepted", status: "pending", message: MESSAGES.pending, approvedNow: false };
  }
  const parsed = parseForm(applicationInput, fields);
  if (!parsed.ok) return { kind: "invalid", message: MESSAGES.invalid, fieldErrors: parsed.fieldErrors };

  const limit = await takeRateLimit(shop, storefrontRules("apply", applicant.clientIdentity), now);
  if (!limit.ok) {
    return { kind: "rate_limited", message: MESSAGES.rateLimited, retryAfterSeconds: limit.retryAfterSeconds };
  }

  const application = await storeApplication(shop, applicant.customerId, {
    email: parsed.data.email,
    name: parsed.data.name,
    socialHandle: parsed.data.social_handle,
    reason: parsed.data.reason,
  }, now);

  const approvedNow = application.status === "pending" && (await autoApproveIfEligible(shop, application));
  const status: ApplicationStatus = approvedNow || application.status === "approved" ? "approved" : "pending";
  return { kind: "accepted", status, message: MESSAGES[status], approvedNow };
}

interface ApplicationFields {
  email: string;
  name: string;
  socialHandle: string;
  reason: string;
}

/**
 * Creates the shop's application for this email, or merges into the existing one:
 * counts the submission, links the logged-in customer if none is linked yet, and takes
 * the new answers — unless the application is linked to a customer and this submission
 * does not come from that customer, in which case it only fills blanks (a stranger who
 * knows someone's email cannot rewrite their application). Status and decision stay.
 */
async function storeApplication(
  shop: string,
  customerId: string | null,
  input: ApplicationFields,
  now: Date,
  attempt = 0,
) {
  try {
    return await prisma.$transaction(async (tx) => {
      const existing = await tx.ambassadorApplication.findUnique({
        where: { shop_email: { shop, email: input.email } },
      });
      if (!existing) {
        const created = await tx.ambassadorApplication.create({
          data: { shop, ...input, customerId, consentedAt: now },
        });
        await recordProgramEvent(tx, shop, {
          kind: "application_received",
          subject: created.id,
          ambassadorId: null,
          data: { name: input.name, email: input.email, socialHandle: input.socialHandle },
        });
        return created;
      }
      const owner = existing.customerId === null || existing.customerId === customerId;
      const merged = (field: "name" | "socialHandle" | "reason") =>
        input[field] !== "" && (owner || existing[field] === "") ? input[field] : existing[field];
      return tx.ambassadorApplication.update({
        where: { id: existing.id },
        data: {
          name: merged("name"),
          socialHandle: merged("socialHandle"),
          reason: merged("reason"),
          customerId: existing.customerId ?? customerId,
          submissions: { increment: 1 },
          consentedAt: now,
        },
      });
    });
  } catch (error) {
    // Two first submissions of one email at the same moment: the second merges.
    if (attempt === 0 && error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return storeApplication(shop, customerId, input, now, 1);
    }
    throw error;
  }
}

export { eraseStorefrontPersonalData, type StorefrontErasure } from "./erase.server";
