import { Badge, BlockStack, Card, InlineStack, Link, Text } from "@shopify/polaris";
import { useShopDates } from "~/components/ShopDates";

export interface FraudFlagRow {
  id: string;
  kind: string;
  detail: string;
  createdAt: string;
  ambassadorId: string;
  ambassadorName: string;
  code: string | null;
}

const KIND_LABELS: Record<string, string> = {
  self_referral: "Self-referral",
  leak: "Leaked code",
};

export function FraudFlagsCard({ flags }: { flags: FraudFlagRow[] }) {
  const dates = useShopDates();
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Fraud flags to review
        </Text>
        {flags.length === 0 ? (
          <Text as="p" tone="subdued">
            Nothing to review.
          </Text>
        ) : (
          <ul data-testid="fraud-flags" style={{ margin: 0, paddingLeft: "1.25rem" }}>
            {flags.map((flag) => (
              <li key={flag.id}>
                <InlineStack gap="200" blockAlign="center">
                  <Badge tone={flag.kind === "leak" ? "critical" : "warning"}>{KIND_LABELS[flag.kind] ?? flag.kind}</Badge>
                  <Link url={`/app/ambassadors/${flag.ambassadorId}`} removeUnderline>
                    {flag.ambassadorName}
                    {flag.code ? ` (${flag.code})` : ""}
                  </Link>
                  <Text as="span">{flag.detail}</Text>
                  <Text as="span" tone="subdued">
                    {dates.date(flag.createdAt)}
                  </Text>
                </InlineStack>
              </li>
            ))}
          </ul>
        )}
        <Text as="p" variant="bodySm" tone="subdued">
          Self-referral: an ambassador used their own code (attributed, earns nothing). Leaked
          code: a code used by unusually many new customers in a day.
        </Text>
      </BlockStack>
    </Card>
  );
}
