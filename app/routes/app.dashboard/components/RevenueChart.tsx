import { BlockStack, Box, Card, Text } from "@shopify/polaris";
import { formatMoney } from "../../../models/ProgramSettings/shop-money";
import { DEFINITIONS, type SeriesPoint } from "../../../models/Analytics/definitions";
import { ClientChart } from "./viz";

export function RevenueChart({ series, currencyCode }: { series: SeriesPoint[]; currencyCode: string | null }) {
  const money = (value: string | number | null) => formatMoney(Number(value ?? 0), currencyCode);
  const data = [
    {
      name: "Attributed revenue",
      data: series.map((point) => ({ key: point.key, value: point.revenueCents })),
    },
  ];
  const period = series[0]?.key.length === 7 ? "month" : "day";
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Attributed revenue over time
        </Text>
        <ClientChart
          label="Attributed revenue over time"
          alternative={
            <Box visuallyHidden>
              <table>
                <caption>Attributed revenue per {period} (the shop&apos;s calendar)</caption>
                <thead>
                  <tr>
                    <th scope="col">{period === "month" ? "Month" : "Day"}</th>
                    <th scope="col">Revenue</th>
                    <th scope="col">Orders</th>
                  </tr>
                </thead>
                <tbody>
                  {series.map((point) => (
                    <tr key={point.key}>
                      <th scope="row">{point.key}</th>
                      <td>{money(point.revenueCents)}</td>
                      <td>{point.orders}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Box>
          }
          render={(viz) => (
            <viz.LineChart
              data={data}
              theme="Light"
              isAnimated={false}
              showLegend={false}
              yAxisOptions={{ labelFormatter: money }}
              tooltipOptions={{ valueFormatter: money }}
            />
          )}
        />
        <Text as="p" variant="bodySm" tone="subdued">
          {DEFINITIONS.revenue} Per {period} of the shop&apos;s calendar.
        </Text>
      </BlockStack>
    </Card>
  );
}
