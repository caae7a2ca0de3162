import type { ReactNode } from "react";
import { BlockStack, Card, DataTable, Text } from "@shopify/polaris";
import {
  DEFINITIONS,
  formatRate,
  SMALL_SAMPLE,
  type Rate,
  type Retention,
  type WindowRates,
} from "../../../models/Analytics/definitions";
import { ClientChart } from "./viz";

/** "45.7 % (n = 120)", flagged when the sample is small. */
export function rateText(rate: Rate): string {
  const n = `n = ${rate.sample.toLocaleString("en")}`;
  if (rate.value === null) return `– (${n})`;
  return `${formatRate(rate.value)} (${n}${rate.sample < SMALL_SAMPLE ? ", small sample" : ""})`;
}

const row = (label: string, rates: WindowRates) => [label, rateText(rates.d90), rateText(rates.d180)];

export function RetentionCard({ retention, children }: { retention: Retention; children?: ReactNode }) {
  const cohortData = [
    {
      name: "(a) Acquired through ambassadors",
      data: retention.cohorts.map((c) => ({ key: c.month, value: c.acquired.d90.value === null ? null : Math.round(c.acquired.d90.value * 1000) / 10 })),
    },
    {
      name: "(c) Other customers",
      data: retention.cohorts.map((c) => ({ key: c.month, value: c.others.d90.value === null ? null : Math.round(c.others.d90.value * 1000) / 10 })),
    },
  ];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Retention: repeat purchases within 90 and 180 days
        </Text>
        <div data-testid="retention-summary">
          <DataTable
            columnContentTypes={["text", "text", "text"]}
            headings={["Customers", "Within 90 days", "Within 180 days"]}
            rows={[
              row("(a) Acquired through ambassadors", retention.acquired),
              row("(c) Other customers, same first-order months", retention.others),
              row("(b) Ambassadors, before joining", retention.ambassadorsBefore),
              row("(b) Ambassadors, after joining", retention.ambassadorsAfter),
            ]}
          />
        </div>
        <Text as="h3" variant="headingSm">
          Repeat rate within 90 days by first-order month (%)
        </Text>
        {retention.cohorts.length > 0 ? (
          <ClientChart
            label="Repeat rate within 90 days by first-order month, acquired through ambassadors vs other customers"
            alternative={
              <Text as="p" visuallyHidden>
                The same rates, with their sample sizes, are in the table that follows.
              </Text>
            }
            render={(viz) => (
              <viz.BarChart
                data={cohortData}
                theme="Light"
                isAnimated={false}
                yAxisOptions={{ labelFormatter: (value) => `${value ?? 0} %` }}
              />
            )}
          />
        ) : (
          <Text as="p" tone="subdued">
            No customer has been acquired through an ambassador yet.
          </Text>
        )}
        {retention.cohorts.length > 0 ? (
          <div data-testid="retention-cohorts">
            <DataTable
              columnContentTypes={["text", "text", "text", "text", "text"]}
              headings={["First-order month", "(a) 90 days", "(c) 90 days", "(a) 180 days", "(c) 180 days"]}
              rows={retention.cohorts.map((c) => [
                c.month,
                rateText(c.acquired.d90),
                rateText(c.others.d90),
                rateText(c.acquired.d180),
                rateText(c.others.d180),
              ])}
            />
          </div>
        ) : null}
        <BlockStack gap="100">
          {[DEFINITIONS.retention, DEFINITIONS.acquired, DEFINITIONS.ambassadors, DEFINITIONS.others, DEFINITIONS.sampleSize].map((text) => (
            <Text key={text} as="p" variant="bodySm" tone="subdued">
              {text}
            </Text>
          ))}
        </BlockStack>
        {children}
      </BlockStack>
    </Card>
  );
}
