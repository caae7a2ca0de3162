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
  /** Points each engagement signal adds to a candidate's score; 0 = off. */
  reviewWeight: string;
  mentionWeight: string;
  emailWeight: string;
  smsWeight: string;
}

export const WEIGHT_FIELDS = [
  { name: "reviewWeight", label: "Reviews", help: "Half for one review rated 4 or 5 stars, nearly all for many." },
  { name: "mentionWeight", label: "Social mentions", help: "Half for one mention, nearly all for many." },
  { name: "emailWeight", label: "Email subscriber", help: "Subscribed to email marketing." },
  { name: "smsWeight", label: "SMS subscriber", help: "Subscribed to SMS marketing." },
] as const satisfies readonly { name: keyof SettingsFormValues; label: string; help: string }[];

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
  limits: { minOrders: Limit; recencyDays: Limit; weight: Limit };
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
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Engagement signals
            </Text>
            <Text as="p" tone="subdued">
              Points each signal adds to a candidate&apos;s score (the order score is out of 100).
              Set a signal to 0 to turn it off: it then changes no one&apos;s rank.
            </Text>
          </BlockStack>
          <FormLayout>
            <FormLayout.Group condensed>
              {WEIGHT_FIELDS.map((field) => (
                <TextField
                  key={field.name}
                  label={field.label}
                  name={field.name}
                  type="number"
                  inputMode="numeric"
                  min={limits.weight.min}
                  max={limits.weight.max}
                  step={1}
                  suffix="points"
                  autoComplete="off"
                  value={values[field.name]}
                  onChange={set(field.name)}
                  error={errors[field.name]}
                  helpText={`${field.help} ${count(limits.weight.min)}–${count(limits.weight.max)}.`}
                  requiredIndicator
                />
              ))}
            </FormLayout.Group>
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
