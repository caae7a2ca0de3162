import { Banner, Link, Text } from "@shopify/polaris";
import type { CandidateDecision } from "~/models/Candidate/Candidate.server";

export type DecisionOutcome =
  | { ok: true; decision: CandidateDecision; updated: number; unknown: string[] }
  | { ok: false; message: string };

const DONE: Record<CandidateDecision, { one: string; many: string }> = {
  invited: { one: "marked as invited", many: "marked as invited" },
  approved: { one: "approved as an ambassador", many: "approved as ambassadors" },
  dismissed: { one: "dismissed", many: "dismissed" },
  none: { one: "cleared of any decision", many: "cleared of any decision" },
};

const customers = (n: number) => `${n.toLocaleString("en")} ${n === 1 ? "customer" : "customers"}`;

/** What a bulk Invite / Approve / Dismiss stored, in plain words. */
export function decisionMessage(outcome: DecisionOutcome): {
  title: string;
  details: string | null;
} {
  if (!outcome.ok) return { title: outcome.message, details: null };
  const title =
    outcome.updated > 0
      ? `${customers(outcome.updated)} ${DONE[outcome.decision][outcome.updated === 1 ? "one" : "many"]}.`
      : "No customer was changed.";
  if (outcome.unknown.length === 0) return { title, details: null };
  const shown = outcome.unknown.slice(0, 10).join(", ");
  const more = outcome.unknown.length > 10 ? ` and ${outcome.unknown.length - 10} more` : "";
  const details =
    outcome.unknown.length === 1
      ? `1 selected customer (${shown}) was not changed: this store's order history has no customer with that id. Reload the page to see the current list.`
      : `${customers(
          outcome.unknown.length
        )} selected (${shown}${more}) were not changed: this store's order history has no customers with those ids. Reload the page to see the current list.`;
  return { title, details };
}

export function DecisionBanner({
  outcome,
  onDismiss,
}: {
  outcome: DecisionOutcome;
  onDismiss(): void;
}) {
  const { title, details } = decisionMessage(outcome);
  const tone = !outcome.ok ? "critical" : details ? "warning" : "success";
  return (
    <Banner tone={tone} title={title} onDismiss={onDismiss}>
      {details ? <Text as="p">{details}</Text> : null}
      {outcome.ok && outcome.decision === "approved" && outcome.updated > 0 ? (
        <Text as="p">
          Their codes, tags and share links are being set up in Shopify.{" "}
          <Link url="/app/ambassadors">Follow the progress on Ambassadors</Link>.
        </Text>
      ) : null}
    </Banner>
  );
}
