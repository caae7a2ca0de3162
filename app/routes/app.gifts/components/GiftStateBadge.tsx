import { Badge } from "@shopify/polaris";

const LABELS: Record<string, { label: string; tone?: "info" | "success" | "attention" | "critical" | "warning" }> = {
  pending: { label: "Being created", tone: "info" },
  draft: { label: "Draft order", tone: "attention" },
  completed: { label: "Completed", tone: "info" },
  shipped: { label: "Shipped", tone: "success" },
  failed: { label: "Not created", tone: "critical" },
  deleted: { label: "Draft deleted" },
};

/** A gift's state as the merchant reads it: draft → completed → shipped. */
export function GiftStateBadge({ state }: { state: string }) {
  const { label, tone } = LABELS[state] ?? { label: state };
  return <Badge tone={tone}>{label}</Badge>;
}
