import { BlockStack, Card, InlineGrid, Text } from "@shopify/polaris";
import { formatMoney } from "../../../models/ProgramSettings/shop-money";
import { DEFINITIONS, formatRate, formatRoi, type Figures } from "../../../models/Analytics/definitions";

function Kpi({ id, label, value, help, note }: { id: string; label: string; value: string; help: string; note?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h2" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl">
          <span data-testid={`kpi-${id}`}>{value}</span>
        </Text>
        {note ? (
          <Text as="p" variant="bodySm">
            {note}
          </Text>
        ) : null}
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
      </BlockStack>
    </Card>
  );
}

const count = (n: number) => n.toLocaleString("en");

export function KpiGrid({ figures, currencyCode }: { figures: Figures; currencyCode: string | null }) {
  const money = (cents: number) => formatMoney(cents, currencyCode);
  return (
    <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
      <Kpi id="revenue" label="Attributed revenue" value={money(figures.revenueCents)} help={DEFINITIONS.revenue} />
      <Kpi id="orders" label="Attributed orders" value={count(figures.orders)} help={DEFINITIONS.orders} />
      <Kpi id="clicks" label="Share-link clicks" value={count(figures.clicks)} help={DEFINITIONS.clicks} />
      <Kpi
        id="conversion"
        label="Conversion"
        value={formatRate(figures.conversion.value)}
        note={`n = ${count(figures.conversion.sample)} clicks`}
        help={DEFINITIONS.conversion}
      />
      <Kpi id="new-customers" label="New customers acquired" value={count(figures.newCustomers)} help={DEFINITIONS.newCustomers} />
      <Kpi id="discount-cost" label="Discount cost" value={money(figures.discountCents)} help={DEFINITIONS.discountCost} />
      <Kpi id="reward-cost" label="Reward cost" value={money(figures.rewardCents)} help={DEFINITIONS.rewardCost} />
      <Kpi id="roi" label="ROI" value={formatRoi(figures.roi)} help={DEFINITIONS.roi} />
    </InlineGrid>
  );
}
