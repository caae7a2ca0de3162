import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useConfirmation } from "~/components/ConfirmationModal";
import { authenticate } from "../../shopify.server";
import { shopCurrency } from "../../models/ProgramSettings/ShopCurrency.server";
import { getRewardSettings } from "../../models/Rewards/RewardSettings.server";
import {
  deleteMilestone,
  deleteTier,
  saveMilestone,
  saveRewardSettings,
  saveTier,
  type FieldErrors,
} from "../../models/Rewards/RewardRules.server";
import { enqueueTierTags } from "../../jobs/reward-maturation.server";
import { enqueueGifts } from "../../jobs/gifts.server";
import { EarlyAccessHowTo } from "./components/EarlyAccessHowTo";
import prisma from "../../db.server";
import { currencySymbol, formatMoney, majorUnitsInput } from "../../models/ProgramSettings/shop-money";
import { pageTitle } from "../../utils/page-title";

export const meta = () => pageTitle("Reward settings");

const percentText = (bp: number) => String(bp / 100);

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const shop = session.shop;
  const currencyCode = await shopCurrency(admin.graphql, shop);
  const [settings, tiers, milestones] = await Promise.all([
    getRewardSettings(shop),
    prisma.rewardTier.findMany({ where: { shop }, orderBy: [{ minSalesCents: "asc" }, { minOrders: "asc" }] }),
    prisma.rewardMilestone.findMany({ where: { shop }, orderBy: { createdAt: "asc" } }),
  ]);
  return {
    currencyCode,
    settings: {
      commissionPercent: percentText(settings.commissionBasisPoints),
      flatReward: majorUnitsInput(settings.flatRewardCents, currencyCode),
      holdDays: String(settings.holdDays),
      payoutMethod: settings.payoutMethod as string,
      leakOrdersPerDay: String(settings.leakOrdersPerDay),
      leakAutoPause: settings.leakAutoPause,
    },
    tiers: tiers.map((t) => ({
      id: t.id,
      name: t.name,
      minSales: majorUnitsInput(Number(t.minSalesCents), currencyCode),
      minSalesText: Number(t.minSalesCents) ? formatMoney(Number(t.minSalesCents), currencyCode) : "—",
      minOrders: String(t.minOrders),
      commissionPercent: percentText(t.commissionBasisPoints),
      tag: t.tag,
      earlyAccess: t.earlyAccess ? "on" : "",
      giftOnReach: t.giftOnReach ? "on" : "",
    })),
    milestones: milestones.map((m) => ({
      id: m.id,
      name: m.name,
      minSales: majorUnitsInput(Number(m.minSalesCents), currencyCode),
      minSalesText: Number(m.minSalesCents) ? formatMoney(Number(m.minSalesCents), currencyCode) : "—",
      minOrders: String(m.minOrders),
      bonus: majorUnitsInput(Number(m.bonusCents), currencyCode),
      bonusText: formatMoney(Number(m.bonusCents), currencyCode),
      giftOnReach: m.giftOnReach ? "on" : "",
    })),
  };
};

export type RewardSettingsActionResult =
  | { ok: true; intent: string; savedAt: string }
  | { ok: false; intent: string; errors: FieldErrors; id?: string };

/** One action for the page's forms, told apart by `intent`. Every write is scoped by shop. */
export const action = async ({ request }: ActionFunctionArgs): Promise<RewardSettingsActionResult> => {
  const { admin, session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const text = (key: string) => {
    const value = form.get(key);
    return typeof value === "string" ? value : undefined;
  };
  const intent = text("intent") ?? "";
  const id = text("id") || undefined;
  const done = (): RewardSettingsActionResult => ({ ok: true, intent, savedAt: new Date().toISOString() });
  const currencyCode = await shopCurrency(admin.graphql, shop);

  switch (intent) {
    case "settings": {
      const result = await saveRewardSettings(
        shop,
        {
          commissionPercent: text("commissionPercent"),
          flatReward: text("flatReward"),
          holdDays: text("holdDays"),
          payoutMethod: text("payoutMethod"),
          leakOrdersPerDay: text("leakOrdersPerDay"),
          leakAutoPause: text("leakAutoPause") === "on",
        },
        currencyCode
      );
      return result.ok ? done() : { ok: false, intent, errors: result.errors };
    }
    case "tier-save": {
      const result = await saveTier(
        shop,
        {
          name: text("name"),
          minSales: text("minSales"),
          minOrders: text("minOrders"),
          commissionPercent: text("commissionPercent"),
          tag: text("tag"),
          earlyAccess: text("earlyAccess") === "on",
          giftOnReach: text("giftOnReach") === "on",
        },
        currencyCode,
        id
      );
      if (!result.ok) return { ok: false, intent, errors: result.errors, id };
      if (result.value.tierTagChanges.length) enqueueTierTags(shop);
      if (text("giftOnReach") === "on") enqueueGifts(shop);
      return done();
    }
    case "tier-delete": {
      const result = await deleteTier(shop, id ?? "");
      if (result.tierTagChanges.length) enqueueTierTags(shop);
      return done();
    }
    case "milestone-save": {
      const result = await saveMilestone(
        shop,
        { name: text("name"), minSales: text("minSales"), minOrders: text("minOrders"), bonus: text("bonus"), giftOnReach: text("giftOnReach") === "on" },
        currencyCode,
        id
      );
      if (!result.ok) return { ok: false, intent, errors: result.errors, id };
      if (text("giftOnReach") === "on") enqueueGifts(shop);
      return done();
    }
    case "milestone-delete":
      await deleteMilestone(shop, id ?? "");
      return done();
    default:
      return { ok: false, intent, errors: { intent: "Unknown action" } };
  }
};

function useSaving(intent: string) {
  const navigation = useNavigation();
  return navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
}

function errorsFor(result: RewardSettingsActionResult | undefined, intent: string, id?: string): FieldErrors {
  if (!result || result.ok || result.intent !== intent || (result.id ?? undefined) !== id) return {};
  return result.errors;
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function SettingsCard({ data, result }: { data: LoaderData; result?: RewardSettingsActionResult }) {
  const [values, setValues] = useState(data.settings);
  const errors = errorsFor(result, "settings");
  const saving = useSaving("settings");
  const symbol = currencySymbol(data.currencyCode);
  const set = (field: keyof typeof values) => (value: string | boolean) => setValues((v) => ({ ...v, [field]: value }));
  return (
    <Form method="post" noValidate>
      <input type="hidden" name="intent" value="settings" />
      <Card>
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">Reward rules</Text>
          <FormLayout>
            <FormLayout.Group>
              <TextField label="Commission" name="commissionPercent" suffix="%" value={values.commissionPercent} onChange={set("commissionPercent")} error={errors.commissionPercent} helpText="Of attributed net sales (total minus refunds)." autoComplete="off" />
              <TextField label="Flat reward per order" name="flatReward" prefix={symbol} value={values.flatReward} onChange={set("flatReward")} error={errors.flatReward} helpText="Blank for none." autoComplete="off" />
            </FormLayout.Group>
            <FormLayout.Group>
              <TextField label="Hold period" name="holdDays" suffix="days" value={values.holdDays} onChange={set("holdDays")} error={errors.holdDays} helpText="Rewards stay pending this long after the order; refunds and cancellations in the hold reduce or void them." autoComplete="off" />
              <Select
                label="Payout method"
                name="payoutMethod"
                options={[
                  { label: "Cash (you pay and mark it paid)", value: "cash" },
                  { label: "Reward discount code", value: "discount_code" },
                  { label: "Shopify store credit", value: "store_credit" },
                ]}
                value={values.payoutMethod}
                onChange={set("payoutMethod")}
                error={errors.payoutMethod}
              />
            </FormLayout.Group>
            <FormLayout.Group>
              <TextField label="Leak threshold" name="leakOrdersPerDay" suffix="orders by new customers in 24 h" value={values.leakOrdersPerDay} onChange={set("leakOrdersPerDay")} error={errors.leakOrdersPerDay} autoComplete="off" />
              <Checkbox label="Pause a leaked code automatically" name="leakAutoPause" checked={values.leakAutoPause} onChange={set("leakAutoPause")} />
            </FormLayout.Group>
          </FormLayout>
          <InlineStack align="end">
            <Button submit variant="primary" loading={saving}>Save</Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Form>
  );
}

interface RowFormProps {
  intent: "tier-save" | "milestone-save";
  initial: Record<string, string>;
  id?: string;
  currencyCode: string | null;
  result?: RewardSettingsActionResult;
}

function TierOrMilestoneForm({ intent, initial, id, currencyCode, result }: RowFormProps) {
  const [values, setValues] = useState(initial);
  const errors = errorsFor(result, intent, id);
  const saving = useSaving(intent);
  const symbol = currencySymbol(currencyCode);
  const set = (field: string) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const flag = (name: string, label: string, helpText: string) => (
    <Checkbox label={label} name={name} helpText={helpText} checked={values[name] === "on"} onChange={(checked) => set(name)(checked ? "on" : "")} />
  );
  const field = (name: string, label: string, extra: Partial<React.ComponentProps<typeof TextField>> = {}) => (
    <TextField label={label} name={name} value={values[name] ?? ""} onChange={set(name)} error={errors[name]} autoComplete="off" {...extra} />
  );
  return (
    <Form method="post" noValidate>
      <input type="hidden" name="intent" value={intent} />
      {id ? <input type="hidden" name="id" value={id} /> : null}
      <FormLayout>
        {errors.id ? <Banner tone="critical">{errors.id}</Banner> : null}
        <FormLayout.Group condensed>
          {field("name", "Name")}
          {field("minSales", "Minimum sales", { prefix: symbol, helpText: "Attributed net sales, all time. Blank: none." })}
          {field("minOrders", "Minimum orders", { helpText: "0: none." })}
          {intent === "tier-save"
            ? field("commissionPercent", "Commission", { suffix: "%" })
            : field("bonus", "Bonus", { prefix: symbol })}
          {intent === "tier-save" ? field("tag", "Customer tag", { helpText: "e.g. ambassador-gold, for early access." }) : null}
        </FormLayout.Group>
        {intent === "tier-save"
          ? flag("earlyAccess", "Grants early access", "Ambassadors in this tier get early access through its customer tag: a customer segment, or a collection your theme shows only to tagged customers.")
          : null}
        {flag(
          "giftOnReach",
          "Send the gift package on reaching it",
          intent === "tier-save"
            ? "A free draft order with the gift package (Gifts), once per ambassador."
            : "A free draft order with the gift package (Gifts), once the bonus is approved."
        )}
        <InlineStack align="end">
          <Button submit loading={saving}>{id ? "Save" : "Add"}</Button>
        </InlineStack>
      </FormLayout>
    </Form>
  );
}

function DeleteTierButton({ tier }: { tier: { id: string; name: string; tag: string } }) {
  const submit = useSubmit();
  const { ask, modal } = useConfirmation();
  return (
    <>
      {modal}
      <Button
        variant="plain"
        tone="critical"
        accessibilityLabel={`Delete tier ${tier.name}`}
        onClick={() =>
          ask({
            title: `Delete the ${tier.name} tier?`,
            changes: [
              `Ambassadors in ${tier.name} leave it: the “${tier.tag}” tag is taken off their customers in Shopify, and they move to the highest other tier their results reach, if any.`,
              "Its commission no longer applies to new orders. Rewards already earned stay as they are.",
            ],
            confirm: "Delete tier",
            destructive: true,
            onConfirm: () => submit({ intent: "tier-delete", id: tier.id }, { method: "post" }),
          })
        }
      >
        Delete
      </Button>
    </>
  );
}

function DeleteButton({ intent, id }: { intent: string; id: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <Button submit variant="plain" tone="critical">Delete</Button>
    </Form>
  );
}

export default function RewardSettingsPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const formKey = result?.ok ? result.savedAt : "form";
  return (
    <Page title="Reward settings" backAction={{ content: "Rewards", url: "/app/rewards" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success">Saved.</Banner> : null}
            <SettingsCard key={`settings-${formKey}`} data={data} result={result} />
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">Tiers</Text>
                <Text as="p" tone="subdued">
                  An ambassador is in the highest tier whose thresholds they meet (attributed net sales and/or orders, all time); its commission applies to orders rewarded from then on, and its tag is added to the customer in Shopify (the previous tier&apos;s tag is removed) so you can offer early access.
                </Text>
                <IndexTable
                  resourceName={{ singular: "tier", plural: "tiers" }}
                  itemCount={data.tiers.length}
                  selectable={false}
                  headings={[{ title: "Name" }, { title: "Minimum sales" }, { title: "Minimum orders" }, { title: "Commission" }, { title: "Tag" }, { title: "Perks" }, { title: "" }]}
                >
                  {data.tiers.map((tier, index) => (
                    <IndexTable.Row id={tier.id} key={tier.id} position={index}>
                      <IndexTable.Cell>{tier.name}</IndexTable.Cell>
                      <IndexTable.Cell>{tier.minSalesText}</IndexTable.Cell>
                      <IndexTable.Cell>{tier.minOrders === "0" ? "—" : tier.minOrders}</IndexTable.Cell>
                      <IndexTable.Cell>{tier.commissionPercent} %</IndexTable.Cell>
                      <IndexTable.Cell>{tier.tag}</IndexTable.Cell>
                      <IndexTable.Cell>{[tier.earlyAccess && "Early access", tier.giftOnReach && "Gift"].filter(Boolean).join(", ") || "—"}</IndexTable.Cell>
                      <IndexTable.Cell><DeleteTierButton tier={tier} /></IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
                {data.tiers.map((tier) => (
                  <BlockStack key={`${tier.id}-${formKey}`} gap="100">
                    <Text as="h3" variant="headingSm">Edit {tier.name}</Text>
                    <TierOrMilestoneForm intent="tier-save" id={tier.id} initial={tier} currencyCode={data.currencyCode} result={result} />
                    {tier.earlyAccess ? <EarlyAccessHowTo tierName={tier.name} tag={tier.tag} /> : null}
                  </BlockStack>
                ))}
                <Text as="h3" variant="headingSm">Add a tier</Text>
                <TierOrMilestoneForm key={`new-tier-${formKey}`} intent="tier-save" initial={{ name: "", minSales: "", minOrders: "0", commissionPercent: "", tag: "", earlyAccess: "", giftOnReach: "" }} currencyCode={data.currencyCode} result={result} />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">Milestones</Text>
                <Text as="p" tone="subdued">
                  A one-time bonus when an ambassador first reaches the thresholds. It is held like the order that reached it, and approved only if they still meet it when the hold ends.
                </Text>
                <IndexTable
                  resourceName={{ singular: "milestone", plural: "milestones" }}
                  itemCount={data.milestones.length}
                  selectable={false}
                  headings={[{ title: "Name" }, { title: "Minimum sales" }, { title: "Minimum orders" }, { title: "Bonus" }, { title: "Gift" }, { title: "" }]}
                >
                  {data.milestones.map((m, index) => (
                    <IndexTable.Row id={m.id} key={m.id} position={index}>
                      <IndexTable.Cell>{m.name}</IndexTable.Cell>
                      <IndexTable.Cell>{m.minSalesText}</IndexTable.Cell>
                      <IndexTable.Cell>{m.minOrders === "0" ? "—" : m.minOrders}</IndexTable.Cell>
                      <IndexTable.Cell>{m.bonusText}</IndexTable.Cell>
                      <IndexTable.Cell>{m.giftOnReach ? "Gift package" : "—"}</IndexTable.Cell>
                      <IndexTable.Cell><DeleteButton intent="milestone-delete" id={m.id} /></IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
                <Text as="h3" variant="headingSm">Add a milestone</Text>
                <TierOrMilestoneForm key={`new-milestone-${formKey}`} intent="milestone-save" initial={{ name: "", minSales: "", minOrders: "0", bonus: "", giftOnReach: "" }} currencyCode={data.currencyCode} result={result} />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
