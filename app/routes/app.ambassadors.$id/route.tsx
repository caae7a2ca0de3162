import { useEffect, useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DescriptionList,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../../shopify.server";
import {
  changeCode,
  pauseAmbassador,
  reactivateAmbassador,
  removeAmbassador,
  updateNotes,
  type LifecycleResult,
} from "../../models/Ambassador/Ambassador.server";
import { getAmbassadorDetail } from "../../models/Ambassador/AmbassadorList.server";
import { retryHeldUp } from "../../models/Ambassador/CodeProvisioning.server";
import { getProgramSettings } from "../../models/ProgramSettings/ProgramSettings.server";
import { enqueueProvisioning } from "../../jobs/ambassador-provisioning.server";
import { formatMoney } from "../../models/ProgramSettings/shop-money";
import { CODE_LENGTH } from "../../models/AmbassadorProgram/code-format";
import { AmbassadorStatusBadge } from "../app.ambassadors._index/components/AmbassadorsTable";
import { History } from "./components/History";
import { FraudFlags } from "./components/FraudFlags";
import { listFraudFlags } from "../../models/Fraud/Fraud.server";
import { getGiftSettings, giftsOf, refreshGiftStates, requestWelcomeGift, retryFailedGifts, WELCOME_OCCASION } from "../../models/Gifts/Gifts.server";
import { enqueueGifts } from "../../jobs/gifts.server";
import { Gifts } from "./components/Gifts";
import { rewardBalances } from "../../models/Rewards/Payouts.server";
import prisma from "../../db.server";
import { pageTitle } from "../../utils/page-title";
import { useConfirmation } from "~/components/ConfirmationModal";

export const meta: MetaFunction<typeof loader> = ({ data }) => pageTitle(data?.ambassador.name ?? "Ambassador");

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { admin, session } = await authenticate.admin(request);
  const detail = await getAmbassadorDetail(session.shop, params.id ?? "");
  if (!detail) throw new Response("This ambassador does not exist in your store.", { status: 404 });
  // Gift states live in Shopify (the merchant completes and ships the draft orders there).
  await refreshGiftStates(admin.graphql, session.shop, { ambassadorId: detail.ambassador.id }).catch((error) =>
    console.warn("Could not read the gifts' draft orders from Shopify", error),
  );
  const [settings, flags, balances, standing, gifts, giftSettings] = await Promise.all([
    getProgramSettings(session.shop),
    listFraudFlags(session.shop, { ambassadorId: detail.ambassador.id }),
    rewardBalances(session.shop, [detail.ambassador.id]),
    prisma.ambassadorTier.findUnique({
      where: { shop_ambassadorId: { shop: session.shop, ambassadorId: detail.ambassador.id } },
    }),
    giftsOf(session.shop, detail.ambassador.id),
    getGiftSettings(session.shop),
  ]);
  const tier = standing?.tierId
    ? await prisma.rewardTier.findFirst({ where: { shop: session.shop, id: standing.tierId } })
    : null;
  const { ambassador } = detail;
  return {
    ambassador: {
      id: ambassador.id,
      name: ambassador.name,
      email: ambassador.email,
      socialHandle: ambassador.socialHandle,
      customerId: ambassador.customerId,
      status: ambassador.status,
      source: ambassador.source,
      notes: ambassador.notes,
      problem: ambassador.lastError,
      activatedAt: ambassador.activatedAt?.toISOString() ?? null,
      createdAt: ambassador.createdAt.toISOString(),
    },
    code: detail.code,
    pastCodes: detail.codes
      .filter((c) => c.code !== detail.code?.code)
      .map((c) => ({ code: c.code, wanted: c.wanted, state: c.shopifyState, error: c.error, createdAt: c.createdAt.toISOString() })),
    events: detail.events.map((e) => ({ id: e.id, kind: e.kind, detail: e.detail, createdAt: e.createdAt.toISOString() })),
    content: detail.content.map((c) => ({ id: c.id, url: c.url, note: c.note, createdAt: c.createdAt.toISOString() })),
    feedback: detail.feedback.map((f) => ({ id: f.id, rating: f.rating, message: f.message, createdAt: f.createdAt.toISOString() })),
    application: detail.application
      ? { reason: detail.application.reason, submissions: detail.application.submissions }
      : null,
    results: detail.results,
    currencyCode: settings.currencyCode,
    flags,
    rewards: {
      balance: balances.get(detail.ambassador.id) ?? null,
      tier: tier ? { name: tier.name, tag: tier.tag } : null,
      tierError: standing?.error ?? null,
    },
    gifts: gifts.map((g) => ({ ...g, createdAt: g.createdAt.toISOString() })),
    canSendWelcome:
      ambassador.status === "active" &&
      giftSettings.items.length > 0 &&
      !gifts.some((g) => g.occasion === WELCOME_OCCASION),
  };
};

export type DetailActionResult =
  | { ok: true; intent: string; message: string }
  | { ok: false; intent: string; error: string };

const DONE: Record<string, string> = {
  pause: "Paused: the code is being switched off in Shopify.",
  reactivate: "Active: the code is being switched on in Shopify.",
  remove: "Removed: the code is being switched off and the tag taken off.",
  regenerate: "New code created: it replaces the old one in Shopify.",
  changeCode: "Code changed: it replaces the old one in Shopify.",
  notes: "Notes saved.",
  retry: "Trying again.",
  "gift-retry": "Trying the gift again.",
  "gift-welcome": "Creating the welcome package's draft order in Shopify.",
};

export const action = async ({ request, params }: ActionFunctionArgs): Promise<DetailActionResult> => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  let result: LifecycleResult;
  switch (intent) {
    case "pause":
      result = await pauseAmbassador(shop, id);
      break;
    case "reactivate":
      result = await reactivateAmbassador(shop, id);
      break;
    case "remove":
      result = await removeAmbassador(shop, id);
      break;
    case "regenerate":
      result = await changeCode(shop, id);
      break;
    case "changeCode":
      result = await changeCode(shop, id, String(form.get("code") ?? ""));
      break;
    case "notes":
      result = await updateNotes(shop, id, String(form.get("notes") ?? ""));
      break;
    case "retry":
      await retryHeldUp(shop);
      result = { ok: true };
      break;
    case "gift-retry":
      await retryFailedGifts(shop, id);
      enqueueGifts(shop);
      return { ok: true, intent, message: DONE[intent] };
    case "gift-welcome": {
      const sent = await requestWelcomeGift(shop, id);
      if (!sent.ok) return { ok: false, intent, error: sent.error };
      enqueueGifts(shop);
      return { ok: true, intent, message: DONE[intent] };
    }
    default:
      return { ok: false, intent, error: "Unknown action: nothing was changed." };
  }
  if (!result.ok) return { ok: false, intent, error: result.error };
  if (intent !== "notes") enqueueProvisioning(shop);
  return { ok: true, intent, message: DONE[intent] };
};

const numbers = new Intl.NumberFormat("en");

export default function AmbassadorDetail() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const busy = navigation.state === "submitting";
  const { ambassador, code } = data;
  const [newCode, setNewCode] = useState("");
  const [notes, setNotes] = useState(ambassador.notes);
  const [copied, setCopied] = useState(false);
  const { ask, modal } = useConfirmation();

  // While Shopify is still catching up (code being created or switched), look again.
  const settling = !ambassador.problem && ambassador.status === "active" && !code?.live;
  useEffect(() => {
    if (!settling) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1500);
    return () => clearInterval(timer);
  }, [settling, revalidator]);

  useEffect(() => {
    if (result?.ok && result.intent === "changeCode") setNewCode("");
  }, [result]);

  const act = (intent: string, fields: Record<string, string> = {}) =>
    submit({ intent, ...fields }, { method: "post" });

  const codeError = result && !result.ok && (result.intent === "changeCode" || result.intent === "regenerate") ? result.error : undefined;
  const notesError = result && !result.ok && result.intent === "notes" ? result.error : undefined;
  const otherError = result && !result.ok && !codeError && !notesError ? result.error : undefined;

  return (
    <Page
      backAction={{ content: "Ambassadors", url: "/app/ambassadors" }}
      title={ambassador.name}
      titleMetadata={<AmbassadorStatusBadge status={ambassador.status} />}
      subtitle={ambassador.email ?? undefined}
      primaryAction={
        ambassador.status === "active"
          ? { content: "Pause", onAction: () => act("pause"), loading: busy }
          : { content: ambassador.status === "invited" ? "Approve" : "Reactivate", onAction: () => act("reactivate"), loading: busy }
      }
      secondaryActions={
        ambassador.status !== "removed"
          ? [
              {
                content: "Remove from program",
                destructive: true,
                onAction: () =>
                  ask({
                    title: `Remove ${ambassador.name} from the program?`,
                    changes: [
                      code
                        ? `Their code ${code.code} is switched off in Shopify and stops applying at checkout; their share link stops giving the discount.`
                        : "No code is created for them in Shopify.",
                      "The ambassador tag is taken off their customer in Shopify. Their orders, rewards and history stay, and you can reactivate them later with the same code.",
                    ],
                    confirm: "Remove from program",
                    destructive: true,
                    onConfirm: () => act("remove"),
                  }),
              },
            ]
          : []
      }
    >
      {modal}
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {ambassador.problem ? (
              <Banner
                tone="critical"
                title="Shopify did not accept a change for this ambassador"
                action={{ content: "Try again", onAction: () => act("retry") }}
              >
                <Text as="p">{ambassador.problem}</Text>
              </Banner>
            ) : null}
            {result?.ok ? <Banner tone="success" title={result.message} /> : null}
            {otherError ? <Banner tone="critical" title={otherError} /> : null}

            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Discount code
                  </Text>
                  {code ? (
                    code.live ? (
                      <Badge tone="success">Works at checkout</Badge>
                    ) : ambassador.status === "active" && !ambassador.problem ? (
                      <Badge tone="info">Being set up in Shopify</Badge>
                    ) : (
                      <Badge>Switched off</Badge>
                    )
                  ) : null}
                </InlineStack>
                {code ? (
                  <BlockStack gap="200">
                    <Text as="p" variant="headingLg">
                      <code data-testid="ambassador-code">{code.code}</code>
                    </Text>
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="span" tone="subdued">
                        Share link: <span data-testid="share-link">{code.shareLink}</span>
                      </Text>
                      <Button
                        size="slim"
                        onClick={() => {
                          void navigator.clipboard?.writeText(code.shareLink).then(() => setCopied(true));
                        }}
                      >
                        {copied ? "Copied" : "Copy link"}
                      </Button>
                    </InlineStack>
                  </BlockStack>
                ) : (
                  <Text as="p" tone="subdued">
                    No code yet: approve this ambassador to create one.
                  </Text>
                )}
                {ambassador.status !== "removed" ? (
                  <form
                    onSubmit={(event) => {
                      event.preventDefault();
                      act("changeCode", { code: newCode });
                    }}
                  >
                    <InlineStack gap="200" blockAlign="end" wrap={false}>
                      <Box minWidth="240px">
                        <TextField
                          label="New code"
                          value={newCode}
                          onChange={(value) => setNewCode(value.toUpperCase())}
                          autoComplete="off"
                          maxLength={CODE_LENGTH.max}
                          helpText={`${CODE_LENGTH.min}–${CODE_LENGTH.max} letters A–Z and digits. The old code stops working; its orders stay with this ambassador.`}
                          error={codeError}
                        />
                      </Box>
                      <Button submit disabled={!newCode.trim() || busy}>
                        Change code
                      </Button>
                      <Button onClick={() => act("regenerate")} disabled={busy}>
                        Generate a new one
                      </Button>
                    </InlineStack>
                  </form>
                ) : null}
              </BlockStack>
            </Card>

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Results
                </Text>
                <InlineGrid columns={3} gap="400">
                  <Figure label="Share-link clicks" value={numbers.format(data.results.clicks)} />
                  <Figure label="Orders with their codes" value={numbers.format(data.results.orders)} />
                  <Figure label="Revenue (net of refunds)" value={formatMoney(data.results.revenueCents, data.currencyCode)} />
                </InlineGrid>
              </BlockStack>
            </Card>

            {data.flags.length > 0 ? <FraudFlags flags={data.flags} /> : null}

            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Rewards
                  </Text>
                  <Link url="/app/rewards">Payouts</Link>
                </InlineStack>
                <InlineGrid columns={4} gap="400">
                  <Figure label="Pending (in hold)" value={formatMoney(data.rewards.balance?.pendingCents ?? 0, data.currencyCode)} />
                  <Figure label="Approved, unpaid" value={formatMoney(data.rewards.balance?.approvedCents ?? 0, data.currencyCode)} />
                  <Figure label="In a payout" value={formatMoney(data.rewards.balance?.inPayoutCents ?? 0, data.currencyCode)} />
                  <Figure label="Paid" value={formatMoney(data.rewards.balance?.paidCents ?? 0, data.currencyCode)} />
                </InlineGrid>
                <Text as="p" tone="subdued">
                  Tier: {data.rewards.tier ? `${data.rewards.tier.name} (customer tag "${data.rewards.tier.tag}")` : "none yet"}
                </Text>
                {data.rewards.tierError ? (
                  <Text as="p" tone="critical">
                    {data.rewards.tierError}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>

            <Gifts
              gifts={data.gifts}
              canSendWelcome={data.canSendWelcome}
              onRetry={() => act("gift-retry")}
              onSendWelcome={() => act("gift-welcome")}
            />

            <History events={data.events} pastCodes={data.pastCodes} />

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Content they shared
                </Text>
                {data.content.length === 0 ? (
                  <Text as="p" tone="subdued">Nothing submitted yet. Ambassadors submit links from the storefront portal.</Text>
                ) : (
                  data.content.map((item) => (
                    <BlockStack gap="050" key={item.id}>
                      {/^https?:\/\//i.test(item.url) ? (
                        <Link url={item.url} target="_blank">{item.url}</Link>
                      ) : (
                        <Text as="span">{item.url}</Text>
                      )}
                      {item.note ? <Text as="p" tone="subdued">{item.note}</Text> : null}
                    </BlockStack>
                  ))
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  About
                </Text>
                <DescriptionList
                  items={[
                    { term: "Joined through", description: ambassador.source === "application" ? "Storefront application" : "Candidates (repeat buyer)" },
                    { term: "Shopify customer", description: ambassador.customerId ? `#${ambassador.customerId}` : "Not linked yet" },
                    ...(ambassador.socialHandle ? [{ term: "Social handle", description: ambassador.socialHandle }] : []),
                    ...(data.application?.reason ? [{ term: "Why they love the store", description: data.application.reason }] : []),
                  ]}
                />
              </BlockStack>
            </Card>
            <Card>
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  act("notes", { notes });
                }}
              >
                <BlockStack gap="200">
                  <TextField
                    label="Notes"
                    value={notes}
                    onChange={setNotes}
                    multiline={4}
                    autoComplete="off"
                    helpText="Only you see these."
                    error={notesError}
                  />
                  <InlineStack align="end">
                    <Button submit disabled={busy || notes === ambassador.notes}>
                      Save notes
                    </Button>
                  </InlineStack>
                </BlockStack>
              </form>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Feedback
                </Text>
                {data.feedback.length === 0 ? (
                  <Text as="p" tone="subdued">No feedback yet.</Text>
                ) : (
                  data.feedback.map((f) => (
                    <BlockStack gap="050" key={f.id}>
                      {f.rating ? <Text as="span" tone="subdued">{`${f.rating} / 5`}</Text> : null}
                      <Text as="p">{f.message}</Text>
                    </BlockStack>
                  ))
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        {value}
      </Text>
    </BlockStack>
  );
}
