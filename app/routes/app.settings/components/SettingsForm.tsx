import { useState } from "react";
import { Form, useNavigation } from "@remix-run/react";
import {
  BlockStack,
  Button,
  Card,
  FormLayout,
  InlineStack,
  Text,
  TextField,
} from "@shopify/polaris";
import { currencySymbol } from "~/models/ProgramSettings/shop-money";

export interface SettingsFormValues {
  minOrders: string;
  /** Major units of the shop currency; blank = any amount. */
  minSpent: string;
  recencyDays: string;
}

export type SettingsFieldErrors = Partial<Record<keyof SettingsFormValues, string>>;

interface Limit {
  min: number;
  max: number;
}

export interface SettingsFormProps {
  initialValues: SettingsFormValues;
  errors: SettingsFieldErrors;
  currencyCode: string | null;
  defaults: { minOrders: number; recencyDays: number };
  limits: { minOrders: Limit; recencyDays: Limit };
}

const count = (n: number) => n.toLocaleString("en");

export function SettingsForm({
  initialValues,
  errors,
  currencyCode,
  defaults,
  limits,
}: SettingsFormProps) {
  const [values, setValues] = useState(initialValues);
  const navigation = useNavigation();
  const saving = navigation.state !== "idle" && navigation.formMethod?.toLowerCase() === "post";
  const set = (field: keyof SettingsFormValues) => (value: string) =>
    setValues((current) => ({ ...current, [field]: value }));
  const symbol = currencySymbol(currencyCode);

  return (
    <Form method="post" noValidate>
      <Card>
        <BlockStack gap="400">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Repeat buyers
            </Text>
            <Text as="p" tone="subdued">
              A customer becomes a candidate when all three hold. Cancelled, test and fully refunded
              orders never count. Saving re-ranks your candidates at once, without another sync.
            </Text>
          </BlockStack>
          <FormLayout>
            <TextField
              label="Minimum orders"
              name="minOrders"
              type="number"
              inputMode="numeric"
              min={limits.minOrders.min}
              max={limits.minOrders.max}
              step={1}
              autoComplete="off"
              value={values.minOrders}
              onChange={set("minOrders")}
              error={errors.minOrders}
              helpText={`Orders that count, from ${count(limits.minOrders.min)} to ${count(
                limits.minOrders.max
              )}. Default ${defaults.minOrders}.`}
              requiredIndicator
            />
            <TextField
              label="Minimum spend"
              name="minSpent"
              inputMode="decimal"
              prefix={symbol || undefined}
              autoComplete="off"
              value={values.minSpent}
              onChange={set("minSpent")}
              error={errors.minSpent}
              placeholder="Any amount"
              helpText={
                currencyCode
                  ? `Net spent (after refunds) in ${currencyCode}. Leave blank for any amount.`
                  : "Net spent (after refunds) in your shop currency. Leave blank for any amount."
              }
            />
            <TextField
              label="Last order within"
              name="recencyDays"
              type="number"
              inputMode="numeric"
              min={limits.recencyDays.min}
              max={limits.recencyDays.max}
              step={1}
              suffix="days"
              autoComplete="off"
              value={values.recencyDays}
              onChange={set("recencyDays")}
              error={errors.recencyDays}
              helpText={`Days since the customer's last order that counts, from ${count(
                limits.recencyDays.min
              )} to ${count(limits.recencyDays.max)}. Default ${defaults.recencyDays}.`}
              requiredIndicator
            />
          </FormLayout>
          <InlineStack align="end">
            <Button submit variant="primary" loading={saving}>
              Save
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Form>
  );
}
