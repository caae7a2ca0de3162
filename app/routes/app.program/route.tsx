import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  InlineStack,
  Layout,
  List,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import {
  formValuesFor,
  getAmbassadorProgram,
  saveAmbassadorProgram,
  type AmbassadorProgramFieldErrors,
  type AmbassadorProgramFormValues,
} from "../../models/AmbassadorProgram/AmbassadorProgram.server";
import { retryHeldUp } from "../../models/Ambassador/CodeProvisioning.server";
import { shopCurrency } from "../../models/ProgramSettings/ShopCurrency.server";
import { shopTimezone } from "../../models/Shop/ShopTimezone.server";
import { enqueueProvisioning } from "../../jobs/ambassador-provisioning.server";
import { currencySymbol } from "../../models/ProgramSettings/shop-money";
import { generateCode } from "../../models/AmbassadorProgram/code-format";
import { programStatus } from "../../models/AmbassadorProgram/ProgramPause.server";
import { ProgramStatusCard } from "./components/ProgramStatusCard";
import { pageTitle } from "../../utils/page-title";

export const meta = () => pageTitle("Offer and codes");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const currencyCode = await shopCurrency(admin.graphql, session.shop);
  const program = await getAmbassadorProgram(session.shop);
  const status = await programStatus(session.shop);
  return {
    values: formValuesFor(program, currencyCode, await shopTimezone(admin.graphql, session.shop)),
    currencyCode,
    discountCreated: program.programDiscountId !== null,
    status: {
      paused: status.paused,
      pauseReason: status.pauseReason,
      codesPaused: status.codesPaused,
      hasDiscount: status.hasDiscount,
      codesAtUninstall: status.codesAtUninstall,
    },
  };
};

export type ProgramActionResult =
  | { ok: true; savedAt: string }
  | { ok: false; errors: AmbassadorProgramFieldErrors; shopifyErrors: string[]; values: AmbassadorProgramFormValues };

export const action = async ({ request }: ActionFunctionArgs): Promise<ProgramActionResult> => {
  const { admin, session } = await authenticate.admin(request);
  const form = await request.formData();
  const text = (name: string) => String(form.get(name) ?? "").trim();
  const flag = (name: string) => form.get(name) === "on";
  const values: AmbassadorProgramFormValues = {
    discountKind: text("discountKind"),
    discountPercent: text("discountPercent"),
    discountAmount: text("discountAmount"),
    minimumOrder: text("minimumOrder"),
    oncePerCustomer: flag("oncePerCustomer"),
    combinesWithOrder: flag("combinesWithOrder"),
    combinesWithProduct: flag("combinesWithProduct"),
    combinesWithShipping: flag("combinesWithShipping"),
    discountEndsOn: text("discountEndsOn"),
    codeDigits: text("codeDigits"),
    ambassadorTag: text("ambassadorTag"),
    autoApprove: flag("autoApprove"),
    checkoutInvite: text("checkoutInvite"),
  };
  const currencyCode = await shopCurrency(admin.graphql, session.shop);
  const timeZone = await shopTimezone(admin.graphql, session.shop);
  const saved = await saveAmbassadorProgram(admin.graphql, session.shop, values, currencyCode, timeZone);
  if (!saved.ok) return { ok: false, errors: saved.errors, shopifyErrors: saved.shopifyErrors, values };
  // A refused offer may have held ambassadors up: with the fix saved, try them again.
  await retryHeldUp(session.shop);
  enqueueProvisioning(session.shop);
  return { ok: true, savedAt: new Date().toISOString() };
};

export default function ProgramOffer() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const initial = result && !result.ok ? result.values : loaded.values;
  const errors = result && !result.ok ? result.errors : {};
  return (
    <Page title="Offer and codes" backAction={{ content: "Settings", url: "/app/settings" }} subtitle="What your ambassadors' friends get, and how codes look">
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success" title="Offer saved" /> : null}
            {result && !result.ok && result.shopifyErrors.length > 0 ? (
              <Banner tone="critical" title="Shopify did not accept the offer: nothing was saved">
                <List>
                  {result.shopifyErrors.map((message) => (
                    <List.Item key={message}>{message}</List.Item>
                  ))}
                </List>
              </Banner>
            ) : null}
            {result && !result.ok && Object.keys(result.errors).length > 0 ? (
              <Banner tone="critical" title="Some fields need fixing: nothing was saved" />
            ) : null}
            <ProgramStatusCard status={loaded.status} />
            <OfferForm
              key={result?.ok ? result.savedAt : "form"}
              initial={initial}
              errors={errors}
              currencyCode={loaded.currencyCode}
              discountCreated={loaded.discountCreated}
              saving={navigation.state === "submitting"}
            />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function OfferForm({
  initial,
  errors,
  currencyCode,
  discountCreated,
  saving,
}: {
  initial: AmbassadorProgramFormValues;
  errors: AmbassadorProgramFieldErrors;
  currencyCode: string | null;
  discountCreated: boolean;
  saving: boolean;
}) {
  const [values, setValues] = useState(initial);
  const set = <K extends keyof AmbassadorProgramFormValues>(key: K) => (value: AmbassadorProgramFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const symbol = currencySymbol(currencyCode);
  const example = generateCode("Jane", Number(values.codeDigits) || 3, () => 0.42);
  return (
    <Form method="post">
      <BlockStack gap="400">
        <Card>
          <FormLayout>
            <Text as="h2" variant="headingMd">
              The shopper&apos;s discount
            </Text>
            <ChoiceList
              title="Discount type"
              name="discountKind"
              choices={[
                { label: "Percentage off the order", value: "percentage" },
                { label: "Fixed amount off the order", value: "fixed_amount" },
              ]}
              selected={[values.discountKind]}
              onChange={([kind]) => set("discountKind")(kind)}
              error={errors.discountKind}
            />
            {values.discountKind === "fixed_amount" ? (
              <TextField
                label="Amount off"
                name="discountAmount"
                prefix={symbol}
                value={values.discountAmount}
                onChange={set("discountAmount")}
                autoComplete="off"
                inputMode="decimal"
                error={errors.discountAmount}
              />
            ) : (
              <TextField
                label="Percentage off"
                name="discountPercent"
                suffix="%"
                value={values.discountPercent}
                onChange={set("discountPercent")}
                autoComplete="off"
                inputMode="numeric"
                error={errors.discountPercent}
              />
            )}
            <TextField
              label="Minimum order subtotal"
              name="minimumOrder"
              prefix={symbol}
              value={values.minimumOrder}
              onChange={set("minimumOrder")}
              autoComplete="off"
              inputMode="decimal"
              helpText="Leave blank for no minimum."
              error={errors.minimumOrder}
            />
            <Checkbox
              label="Once per customer"
              name="oncePerCustomer"
              checked={values.oncePerCustomer}
              onChange={set("oncePerCustomer")}
              helpText="A friend can use an ambassador code on one order only."
            />
            <BlockStack gap="100">
              <Text as="p">Combines with</Text>
              <Checkbox label="Other order discounts" name="combinesWithOrder" checked={values.combinesWithOrder} onChange={set("combinesWithOrder")} />
              <Checkbox label="Product discounts" name="combinesWithProduct" checked={values.combinesWithProduct} onChange={set("combinesWithProduct")} />
              <Checkbox label="Shipping discounts" name="combinesWithShipping" checked={values.combinesWithShipping} onChange={set("combinesWithShipping")} />
            </BlockStack>
            <TextField
              label="End date"
              name="discountEndsOn"
              type="date"
              value={values.discountEndsOn}
              onChange={set("discountEndsOn")}
              autoComplete="off"
              helpText="Optional. Codes stop working at the end of this day, in your shop's time zone."
              error={errors.discountEndsOn}
            />
            {discountCreated ? (
              <Text as="p" tone="subdued">
                Saving updates the &quot;Ambassador program&quot; discount in Shopify for every
                ambassador at once.
              </Text>
            ) : (
              <Text as="p" tone="subdued">
                The &quot;Ambassador program&quot; discount is created in Shopify with your first
                approved ambassador.
              </Text>
            )}
          </FormLayout>
        </Card>
        <Card>
          <FormLayout>
            <Text as="h2" variant="headingMd">
              Codes and approval
            </Text>
            <Select
              label="Digits after the first name"
              name="codeDigits"
              options={["2", "3", "4"].map((d) => ({ label: d, value: d }))}
              value={values.codeDigits}
              onChange={set("codeDigits")}
              helpText={`Codes look like ${example}: upper case, letters and digits only.`}
              error={errors.codeDigits}
            />
            <TextField
              label="Customer tag for ambassadors"
              name="ambassadorTag"
              value={values.ambassadorTag}
              onChange={set("ambassadorTag")}
              autoComplete="off"
              maxLength={40}
              helpText="Added to the customer in Shopify on approval, for segments, emails and Flow. A change applies to new approvals."
              error={errors.ambassadorTag}
            />
            <Checkbox
              label="Approve applicants who are already repeat buyers at once"
              name="autoApprove"
              checked={values.autoApprove}
              onChange={set("autoApprove")}
              helpText="Storefront applicants who meet your repeat-buyer settings, or whom you invited, skip the Applications queue."
            />
            <Select
              label="Invite after a purchase"
              name="checkoutInvite"
              options={[
                { label: "Repeat buyers (by your program settings)", value: "repeat_buyers" },
                { label: "Every customer with an account", value: "everyone" },
                { label: "Nobody", value: "nobody" },
              ]}
              value={values.checkoutInvite}
              onChange={set("checkoutInvite")}
              helpText="Who sees “Become an ambassador” on the Thank you and Order status pages, once you add the Ambassadors block there in the checkout editor."
              error={errors.checkoutInvite}
            />
          </FormLayout>
        </Card>
        <InlineStack align="end">
          <Button submit variant="primary" loading={saving}>
            Save
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}
