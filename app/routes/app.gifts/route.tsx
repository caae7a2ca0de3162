import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useActionData, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  IndexTable,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import prisma from "../../db.server";
import {
  getGiftSettings,
  giftBatchesInProgress,
  requestSeasonalGifts,
  retryFailedGifts,
  saveGiftSettings,
  type GiftItem,
} from "../../models/Gifts/Gifts.server";
import { enqueueGifts } from "../../jobs/gifts.server";
import { useConfirmation } from "~/components/ConfirmationModal";
import { useShopDates } from "~/components/ShopDates";
import { pageTitle } from "../../utils/page-title";
import { GiftStateBadge } from "./components/GiftStateBadge";

export const meta = () => pageTitle("Gifts");

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const [settings, batches, tiers, activeCount, tierCounts, recent, failed] = await Promise.all([
    getGiftSettings(shop),
    giftBatchesInProgress(shop),
    prisma.rewardTier.findMany({ where: { shop }, orderBy: [{ minSalesCents: "asc" }, { minOrders: "asc" }], select: { id: true, name: true } }),
    prisma.ambassador.count({ where: { shop, status: "active" } }),
    prisma.ambassadorTier.groupBy({ by: ["tierId"], where: { shop, tierId: { not: null } }, _count: { _all: true } }),
    prisma.gift.findMany({ where: { shop }, orderBy: { createdAt: "desc" }, take: 25 }),
    prisma.gift.count({ where: { shop, state: "failed" } }),
  ]);
  const names = new Map(
    (
      await prisma.ambassador.findMany({
        where: { shop, id: { in: recent.map((g) => g.ambassadorId) } },
        select: { id: true, firstName: true, lastName: true, email: true },
      })
    ).map((a) => [a.id, [a.firstName, a.lastName].filter(Boolean).join(" ") || a.email || "Ambassador"]),
  );
  return {
    settings,
    batches: batches.map((b) => ({ ...b, createdAt: b.createdAt.toISOString() })),
    tiers: tiers.map((t) => ({ ...t, ambassadors: tierCounts.find((c) => c.tierId === t.id)?._count._all ?? 0 })),
    activeCount,
    failed,
    recent: recent.map((g) => ({
      id: g.id,
      ambassadorId: g.ambassadorId,
      ambassador: names.get(g.ambassadorId) ?? "Ambassador",
      occasionLabel: g.occasionLabel,
      state: g.state,
      draftOrderName: g.draftOrderName,
      addressMissing: g.addressMissing,
      createdAt: g.createdAt.toISOString(),
    })),
  };
};

export type GiftsActionResult =
  | { ok: true; intent: string; message: string }
  | { ok: false; intent: string; errors: Record<string, string> };

export const action = async ({ request }: ActionFunctionArgs): Promise<GiftsActionResult> => {
  const { admin, session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  switch (intent) {
    case "package": {
      let items: unknown;
      try {
        items = JSON.parse(String(form.get("items") ?? "[]"));
      } catch {
        return { ok: false, intent, errors: { items: "The products could not be read: pick them again." } };
      }
      const result = await saveGiftSettings(admin.graphql, shop, { items, welcomeOnApproval: form.get("welcomeOnApproval") === "on" });
      if (!result.ok) return { ok: false, intent, errors: result.errors };
      if (result.settings.welcomeOnApproval) enqueueGifts(shop);
      return { ok: true, intent, message: "Gift package saved." };
    }
    case "seasonal": {
      const target = String(form.get("target") ?? "all");
      const ambassadorIds =
        target === "all"
          ? (await prisma.ambassador.findMany({ where: { shop, status: "active" }, select: { id: true } })).map((a) => a.id)
          : undefined;
      const result = await requestSeasonalGifts(shop, {
        label: String(form.get("label") ?? ""),
        ambassadorIds,
        tierId: target === "all" ? null : target,
      });
      if (!result.ok) return { ok: false, intent, errors: result.errors };
      if (result.queued > 0) enqueueGifts(shop);
      const skipped = result.alreadySent > 0 ? ` ${result.alreadySent} already had a gift for this occasion and are left out.` : "";
      return {
        ok: true,
        intent,
        message: result.queued > 0 ? `Creating ${result.queued} draft orders in Shopify.${skipped}` : `Nothing to create.${skipped}`,
      };
    }
    case "retry": {
      const count = await retryFailedGifts(shop);
      enqueueGifts(shop);
      return { ok: true, intent, message: `Trying ${count} gifts again.` };
    }
    default:
      return { ok: false, intent, errors: { intent: "Unknown action: nothing was changed." } };
  }
};

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

function PackageCard({ data, result }: { data: LoaderData; result?: GiftsActionResult }) {
  const submit = useSubmit();
  const [pickerError, setPickerError] = useState<string | null>(null);
  const navigation = useNavigation();
  const [items, setItems] = useState<GiftItem[]>(data.settings.items);
  const [welcome, setWelcome] = useState(data.settings.welcomeOnApproval);
  const errors = result && !result.ok && result.intent === "package" ? result.errors : {};
  const saving = navigation.state !== "idle" && navigation.formData?.get("intent") === "package";

  const pick = async () => {
    // App Bridge's picker: only inside Shopify admin (the offline demo has no App Bridge).
    if (!window.shopify?.resourcePicker) {
      setPickerError("The product picker opens when the app runs inside Shopify admin.");
      return;
    }
    setPickerError(null);
    const picked = await window.shopify.resourcePicker({
      type: "variant",
      multiple: true,
      action: "select",
      selectionIds: items.map((i) => ({ id: i.variantId })),
    });
    if (!picked) return;
    const quantity = new Map(items.map((i) => [i.variantId, i.quantity]));
    setItems(picked.map((v) => ({ variantId: v.id, title: v.displayName ?? v.title ?? v.id, quantity: quantity.get(v.id) ?? 1 })));
  };

  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">Gift package</Text>
        <Text as="p" tone="subdued">
          The products every gift contains: the welcome package, thank-you gifts for tiers and milestones, and seasonal gifts.
          Each gift is a draft order in Shopify with a 100 % discount, the ambassador&apos;s default address and the tag
          “ambassador-gift”; you complete and ship it like any order.
        </Text>
        {items.length === 0 ? (
          <Text as="p">No products picked yet.</Text>
        ) : (
          <BlockStack gap="200">
            {items.map((item) => (
              <InlineStack key={item.variantId} gap="300" blockAlign="center" wrap={false}>
                <div style={{ flex: 1 }}>
                  <Text as="span">{item.title}</Text>
                </div>
                <div style={{ width: 90 }}>
                  <TextField
                    label={`Quantity of ${item.title}`}
                    labelHidden
                    type="number"
                    min={1}
                    max={99}
                    value={String(item.quantity)}
                    onChange={(value) =>
                      setItems((list) => list.map((i) => (i.variantId === item.variantId ? { ...i, quantity: Number(value) || 1 } : i)))
                    }
                    autoComplete="off"
                  />
                </div>
                <Button variant="plain" tone="critical" accessibilityLabel={`Remove ${item.title}`} onClick={() => setItems((list) => list.filter((i) => i.variantId !== item.variantId))}>
                  Remove
                </Button>
              </InlineStack>
            ))}
          </BlockStack>
        )}
        {errors.items ? <Banner tone="critical">{errors.items}</Banner> : null}
        {pickerError ? <Banner tone="warning">{pickerError}</Banner> : null}
        <Checkbox
          label="Send the welcome package when an ambassador is approved"
          checked={welcome}
          onChange={setWelcome}
          helpText="For ambassadors approved from now on. Send it to someone already in the program from their page, or with a seasonal batch."
        />
        <InlineStack align="end" gap="200">
          <Button onClick={() => void pick()}>{items.length ? "Change products" : "Pick products"}</Button>
          <Button
            variant="primary"
            loading={saving}
            onClick={() =>
              submit({ intent: "package", items: JSON.stringify(items), ...(welcome ? { welcomeOnApproval: "on" } : {}) }, { method: "post" })
            }
          >
            Save
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function SeasonalCard({ data, result }: { data: LoaderData; result?: GiftsActionResult }) {
  const submit = useSubmit();
  const { ask, modal } = useConfirmation();
  const [label, setLabel] = useState("");
  const [target, setTarget] = useState("all");
  const errors = result && !result.ok && result.intent === "seasonal" ? result.errors : {};
  const count = target === "all" ? data.activeCount : (data.tiers.find((t) => t.id === target)?.ambassadors ?? 0);
  const who = target === "all" ? "every active ambassador" : `every ambassador in ${data.tiers.find((t) => t.id === target)?.name}`;
  return (
    <Card>
      {modal}
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">Seasonal thank-you gifts</Text>
        <TextField label="Occasion" value={label} onChange={setLabel} placeholder="Holiday 2026" error={errors.label} autoComplete="off" helpText="One gift per ambassador and occasion: sending the same occasion again skips those who have one." />
        <Select
          label="Send to"
          value={target}
          onChange={setTarget}
          options={[
            { label: `Every active ambassador (${data.activeCount})`, value: "all" },
            ...data.tiers.map((t) => ({ label: `${t.name} tier (${t.ambassadors})`, value: t.id })),
          ]}
          error={errors.tierId ?? errors.ambassadors}
        />
        {errors.items ? <Banner tone="critical">{errors.items}</Banner> : null}
        <InlineStack align="end">
          <Button
            disabled={!label.trim() || count === 0 || data.settings.items.length === 0}
            onClick={() =>
              ask({
                title: `Send “${label.trim()}” gifts?`,
                changes: [
                  `Creates up to ${count.toLocaleString("en")} draft orders in Shopify, one for ${who}, each with the gift package at 100 % off and their default address.`,
                  "Nothing is charged or shipped until you complete and fulfil each draft order in Shopify.",
                ],
                confirm: "Create draft orders",
                onConfirm: () => submit({ intent: "seasonal", label, target }, { method: "post" }),
              })
            }
          >
            Create gifts
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

export default function GiftsPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const revalidator = useRevalidator();
  const submit = useSubmit();
  const dates = useShopDates();
  const running = data.batches.length > 0;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1500);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  return (
    <Page title="Gifts" backAction={{ content: "Ambassadors", url: "/app/ambassadors" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success">{result.message}</Banner> : null}
            {result && !result.ok && result.errors.intent ? <Banner tone="critical">{result.errors.intent}</Banner> : null}
            {data.failed > 0 ? (
              <Banner tone="critical" title={`${data.failed} gifts could not be created in Shopify`} action={{ content: "Try again", onAction: () => submit({ intent: "retry" }, { method: "post" }) }}>
                <Text as="p">Each ambassador&apos;s page says why. Fix the package if a product was deleted, then try again.</Text>
              </Banner>
            ) : null}
            {data.batches.map((batch) => (
              <Card key={batch.id}>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">{`Creating “${batch.occasionLabel}” draft orders`}</Text>
                  <ProgressBar progress={Math.round(((batch.created + batch.failed) / Math.max(1, batch.total)) * 100)} />
                  <Text as="p" tone="subdued">
                    {`${batch.created} of ${batch.total} created${batch.failed ? `, ${batch.failed} refused by Shopify` : ""}`}
                  </Text>
                </BlockStack>
              </Card>
            ))}
            <PackageCard key={JSON.stringify(data.settings)} data={data} result={result} />
            <SeasonalCard data={data} result={result} />
            <Card padding="0">
                <IndexTable
                  resourceName={{ singular: "gift", plural: "gifts" }}
                  itemCount={data.recent.length}
                  selectable={false}
                  emptyState={<Text as="p" tone="subdued">No gifts yet.</Text>}
                  headings={[{ title: "Ambassador" }, { title: "Occasion" }, { title: "Draft order" }, { title: "State" }, { title: "Created" }]}
                >
                  {data.recent.map((gift, index) => (
                    <IndexTable.Row id={gift.id} key={gift.id} position={index}>
                      <IndexTable.Cell>
                        <RemixLink to={`/app/ambassadors/${gift.ambassadorId}`}>{gift.ambassador}</RemixLink>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{gift.occasionLabel}</IndexTable.Cell>
                      <IndexTable.Cell>{gift.draftOrderName ?? "—"}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <InlineStack gap="100">
                          <GiftStateBadge state={gift.state} />
                          {gift.addressMissing && gift.state === "draft" ? <Badge tone="warning">Address missing</Badge> : null}
                        </InlineStack>
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        {dates.date(gift.createdAt)}
                      </IndexTable.Cell>
                    </IndexTable.Row>
                  ))}
                </IndexTable>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
