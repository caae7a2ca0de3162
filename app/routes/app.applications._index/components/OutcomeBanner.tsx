import { Banner, List, Text } from "@shopify/polaris";

/** One application a decision could not be applied to, in plain words. */
export interface DecisionProblem {
  id: string;
  /** The applicant's name and email, when the application exists in this shop. */
  applicant: string | null;
  message: string;
}

export type DecisionOutcome =
  | { ok: false; message: string }
  | { ok: true; intent: "approve"; approved: number; problems: DecisionProblem[] }
  | { ok: true; intent: "reject"; rejected: number; problems: DecisionProblem[] };

const applications = (n: number) =>
  `${n.toLocaleString("en")} ${n === 1 ? "application" : "applications"}`;

/** What an Approve or Reject did, in plain words. */
export function outcomeMessage(outcome: DecisionOutcome): {
  title: string;
  details: string | null;
  problems: string[];
} {
  if (!outcome.ok) return { title: outcome.message, details: null, problems: [] };
  const problems = outcome.problems.map(
    (p) => `${p.applicant ?? `Application ${p.id}`}: ${p.message}`
  );
  if (outcome.intent === "approve") {
    return outcome.approved > 0
      ? {
          title: `${applications(outcome.approved)} approved.`,
          details:
            "Their discount codes are being created in Shopify; each ambassador's page shows when theirs is ready.",
          problems,
        }
      : { title: "No application was approved.", details: null, problems };
  }
  return outcome.rejected > 0
    ? { title: `${applications(outcome.rejected)} rejected.`, details: null, problems }
    : { title: "No application was rejected.", details: null, problems };
}

export function OutcomeBanner({
  outcome,
  onDismiss,
}: {
  outcome: DecisionOutcome;
  onDismiss(): void;
}) {
  const { title, details, problems } = outcomeMessage(outcome);
  const changed = outcome.ok && (outcome.intent === "approve" ? outcome.approved : outcome.rejected) > 0;
  const tone = !outcome.ok ? "critical" : problems.length === 0 ? "success" : changed ? "warning" : "critical";
  return (
    <Banner tone={tone} title={title} onDismiss={onDismiss}>
      {details ? <Text as="p">{details}</Text> : null}
      {problems.length > 0 ? (
        <List>
          {problems.map((problem, index) => (
            <List.Item key={index}>{problem}</List.Item>
          ))}
        </List>
      ) : null}
    </Banner>
  );
}
