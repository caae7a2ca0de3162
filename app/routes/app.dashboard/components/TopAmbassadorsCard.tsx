import { CellText } from "~/components/CellText";
import { BlockStack, Card, DataTable, Link, Text } from "@shopify/polaris";
import { formatMoney } from "../../../models/ProgramSettings/shop-money";
import { DEFINITIONS, formatRate, formatRoi, type AmbassadorFigures } from "../../../models/Analytics/definitions";

export function TopAmbassadorsCard({ top, currencyCode }: { top: AmbassadorFigures[]; currencyCode: string | null }) {
  const money = (cents: number) => formatMoney(cents, currencyCode);
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Top ambassadors
        </Text>
        {top.length === 0 ? (
          <Text as="p" tone="subdued">
            No orders with an ambassador&apos;s code in this period.
          </Text>
        ) : (
          <div data-testid="top-ambassadors">
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "text"]}
              headings={["Ambassador", "Revenue", "Orders", "Clicks", "Conversion", "New customers", "Discount cost", "Reward cost", "ROI"]}
              rows={top.map((a) => [
                <Link key={a.ambassadorId} url={`/app/ambassadors/${a.ambassadorId}`} removeUnderline>
                  <CellText>{a.code ? `${a.name} (${a.code})` : a.name}</CellText>
                </Link>,
                money(a.revenueCents),
                a.orders.toLocaleString("en"),
                a.clicks.toLocaleString("en"),
                `${formatRate(a.conversion.value)} (n = ${a.conversion.sample.toLocaleString("en")})`,
                a.newCustomers.toLocaleString("en"),
                money(a.discountCents),
                money(a.rewardCents),
                formatRoi(a.roi),
              ])}
            />
          </div>
        )}
        <Text as="p" variant="bodySm" tone="subdued">
          {DEFINITIONS.topAmbassadors}
        </Text>
      </BlockStack>
    </Card>
  );
}
