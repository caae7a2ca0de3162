/**
 * The moments of the program that reach the merchant's email and automation tools: one
 * Shopify Flow trigger each (extensions/<handle>-trigger/shopify.extension.toml declares
 * the same fields) and one Klaviyo metric each. docs/flow-and-klaviyo.md documents them.
 *
 * Client-safe: no server imports (the settings page lists the kinds).
 */

/** A field of a Flow trigger, as declared in its extension's `settings.fields`. */
export interface FlowField {
  type: "customer_reference" | "order_reference" | "single_line_text_field" | "number_decimal" | "email" | "url";
  /** The payload key; reference fields have none (Flow reads `customer_id` / `order_id`). */
  key?: string;
  description?: string;
}

export interface ProgramEventKindInfo {
  /** The Flow trigger's handle (at most 30 characters). */
  handle: string;
  /** The trigger's name in Flow and the metric's name in Klaviyo. */
  name: string;
  description: string;
  fields: FlowField[];
}

const customer: FlowField = { type: "customer_reference" };
const code: FlowField = {
  type: "single_line_text_field",
  key: "Ambassador code",
  description: "The ambassador's personal discount code.",
};
const amount = (description: string): FlowField => ({ type: "number_decimal", key: "Amount", description });
const currency: FlowField = {
  type: "single_line_text_field",
  key: "Currency",
  description: "The shop currency of the amount (ISO 4217 code).",
};

export const PROGRAM_EVENT_KINDS = {
  application_received: {
    handle: "application-received",
    name: "Ambassador application received",
    description: "Someone applied to become an ambassador on your storefront.",
    fields: [
      { type: "single_line_text_field", key: "Applicant name", description: "The name the applicant gave." },
      { type: "email", key: "Applicant email", description: "The email the applicant gave." },
      { type: "single_line_text_field", key: "Social handle", description: "The applicant's social media handle, if given." },
    ],
  },
  ambassador_approved: {
    handle: "ambassador-approved",
    name: "Ambassador approved",
    description: "An ambassador was approved and their personal discount code is live in your store.",
    fields: [
      customer,
      code,
      { type: "url", key: "Share link", description: "The link that applies the code on your store." },
    ],
  },
  ambassador_paused_or_removed: {
    handle: "ambassador-paused-or-removed",
    name: "Ambassador paused or removed",
    description: "An ambassador was paused (their code stops working for now) or removed from the program.",
    fields: [
      customer,
      code,
      { type: "single_line_text_field", key: "Status", description: "\"paused\" or \"removed\"." },
    ],
  },
  first_attributed_order: {
    handle: "ambassador-first-order",
    name: "Ambassador first order",
    description: "The first order attributed to an ambassador's code or link.",
    fields: [customer, { type: "order_reference" }, code],
  },
  reward_earned: {
    handle: "ambassador-reward-earned",
    name: "Ambassador reward earned",
    description: "An ambassador earned a reward for an attributed order; it is pending until its hold ends.",
    fields: [customer, code, amount("The reward, in the shop currency."), currency],
  },
  reward_approved: {
    handle: "ambassador-reward-approved",
    name: "Ambassador reward approved",
    description: "An ambassador's reward passed its hold and can be paid out.",
    fields: [customer, code, amount("The approved reward, in the shop currency."), currency],
  },
  payout_sent: {
    handle: "ambassador-payout-sent",
    name: "Ambassador payout sent",
    description: "An ambassador was paid: cash marked paid, a reward code or store credit issued.",
    fields: [
      customer,
      code,
      amount("The payout, in the shop currency."),
      currency,
      { type: "single_line_text_field", key: "Payout method", description: "\"cash\", \"discount_code\" or \"store_credit\"." },
    ],
  },
  tier_reached: {
    handle: "ambassador-tier-reached",
    name: "Ambassador tier reached",
    description: "An ambassador moved up to a higher reward tier.",
    fields: [
      customer,
      code,
      { type: "single_line_text_field", key: "Tier name", description: "The tier they reached." },
      { type: "number_decimal", key: "Commission percent", description: "The tier's commission, in percent." },
    ],
  },
  milestone_reached: {
    handle: "ambassador-milestone-reached",
    name: "Ambassador milestone reached",
    description: "An ambassador reached a milestone and earned its bonus.",
    fields: [
      customer,
      code,
      { type: "single_line_text_field", key: "Milestone name", description: "The milestone they reached." },
      amount("The milestone bonus, in the shop currency."),
      currency,
    ],
  },
  gift_created: {
    handle: "ambassador-gift-created",
    name: "Ambassador gift created",
    description: "A gift (welcome package) was created for an ambassador.",
    fields: [
      customer,
      code,
      { type: "single_line_text_field", key: "Gift", description: "What the gift is." },
    ],
  },
} as const satisfies Record<string, ProgramEventKindInfo>;

export type ProgramEventKind = keyof typeof PROGRAM_EVENT_KINDS;

export const PROGRAM_EVENT_KIND_NAMES = Object.keys(PROGRAM_EVENT_KINDS) as ProgramEventKind[];

/**
 * The moment's own facts, stored with the event when it happens (money in integer minor
 * units of the shop currency). The ambassador's code, customer and email are read when
 * the event is delivered.
 */
export interface ProgramEventData {
  application_received: { name: string; email: string; socialHandle: string };
  ambassador_approved: { shareLink?: string };
  ambassador_paused_or_removed: { status: "paused" | "removed" };
  first_attributed_order: { orderId: string };
  reward_earned: { amountCents: number; orderId: string | null };
  reward_approved: { amountCents: number };
  payout_sent: { amountCents: number; method: string };
  tier_reached: { tierName: string; commissionBasisPoints: number };
  milestone_reached: { milestoneName: string; bonusCents: number };
  gift_created: { gift: string };
}

export function isProgramEventKind(kind: string): kind is ProgramEventKind {
  return Object.hasOwn(PROGRAM_EVENT_KINDS, kind);
}

/** The payload key Flow reads for a field (`customer_id` / `order_id` for references). */
export function payloadKeyOf(field: FlowField): string {
  if (field.type === "customer_reference") return "customer_id";
  if (field.type === "order_reference") return "order_id";
  return field.key as string;
}
