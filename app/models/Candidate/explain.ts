/**
 * The line that says why a candidate ranks where they do: their orders and the engagement
 * signals that add to their score, in the merchant's words, e.g. "12 orders, last 9 days
 * ago, 3 five-star reviews, subscribed to email". Signals weighted 0 are left out: they
 * change nothing. Client-safe (no server imports).
 */

export const CANDIDATE_SIGNALS = ["reviews", "mentions", "email", "sms"] as const;
export type CandidateSignal = (typeof CANDIDATE_SIGNALS)[number];

export const SIGNAL_LABELS: Record<CandidateSignal, string> = {
  reviews: "Has 4–5 star reviews",
  mentions: "Mentioned on social media",
  email: "Subscribed to email",
  sms: "Subscribed to SMS",
};

export interface ExplainedCandidate {
  orderCount: number;
  lastOrderAt: Date | string | null;
  positiveReviewCount: number;
  fiveStarReviewCount: number;
  mentionCount: number;
  emailSubscribed: boolean | null;
  smsSubscribed: boolean | null;
}

export interface SignalWeights {
  reviewWeight: number;
  mentionWeight: number;
  emailWeight: number;
  smsWeight: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

function daysAgo(at: Date | string, now: Date): string {
  const days = Math.floor((now.getTime() - new Date(at).getTime()) / 86_400_000);
  if (days <= 0) return "today";
  if (days === 1) return "yesterday";
  return `${days.toLocaleString("en")} days ago`;
}

export function explainCandidate(candidate: ExplainedCandidate, weights: SignalWeights, now = new Date()): string {
  const parts = [plural(candidate.orderCount, "order")];
  if (candidate.lastOrderAt) parts.push(`last ${daysAgo(candidate.lastOrderAt, now)}`);
  if (weights.reviewWeight > 0) {
    const fourStar = candidate.positiveReviewCount - candidate.fiveStarReviewCount;
    if (candidate.fiveStarReviewCount > 0) parts.push(plural(candidate.fiveStarReviewCount, "five-star review"));
    if (fourStar > 0) parts.push(plural(fourStar, "four-star review"));
  }
  if (weights.mentionWeight > 0 && candidate.mentionCount > 0) parts.push(plural(candidate.mentionCount, "social mention"));
  if (weights.emailWeight > 0 && candidate.emailSubscribed) parts.push("subscribed to email");
  if (weights.smsWeight > 0 && candidate.smsSubscribed) parts.push("subscribed to SMS");
  return parts.join(", ");
}
