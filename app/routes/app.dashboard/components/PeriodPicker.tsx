import { useState } from "react";
import { Form, useNavigate } from "@remix-run/react";
import { Button, Card, InlineStack, Select, TextField } from "@shopify/polaris";
import type { Period } from "../../../models/Analytics/definitions";
import { useShopDates } from "~/components/ShopDates";

const OPTIONS = [
  { label: "Last 7 days", value: "7d" },
  { label: "Last 30 days", value: "30d" },
  { label: "Last 90 days", value: "90d" },
  { label: "Custom range", value: "custom" },
];

/** Presets navigate at once; a custom range is applied with its button (GET form). */
export function PeriodPicker({ period }: { period: Period }) {
  const navigate = useNavigate();
  const dates = useShopDates();
  const [key, setKey] = useState<string>(period.key);
  const [from, setFrom] = useState(period.from);
  const [to, setTo] = useState(period.to);
  return (
    <Card>
      <Form method="get">
        <InlineStack gap="300" blockAlign="end">
          <Select
            label="Period"
            name="period"
            options={OPTIONS}
            value={key}
            onChange={(value) => {
              setKey(value);
              if (value !== "custom") navigate(`?period=${value}`);
            }}
          />
          {key === "custom" ? (
            <>
              <TextField label="From" type="date" name="from" value={from} onChange={setFrom} autoComplete="off" />
              <TextField label="To" type="date" name="to" value={to} onChange={setTo} autoComplete="off" />
              <Button submit>Apply</Button>
            </>
          ) : null}
          <span data-testid="period-range">
            {dates.day(period.from)} to {dates.day(period.to)} ({period.days} {period.days === 1 ? "day" : "days"},
            shop time)
          </span>
        </InlineStack>
      </Form>
    </Card>
  );
}
