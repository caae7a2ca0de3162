/**
 * The demo's six months of program (test/factories/demo-history.ts and demo-program.ts)
 * lived through by the app: its orders in the local shop, the install's history sync, the
 * webhooks Shopify sent. Then the Dashboard's figures, against figures worked out here
 * from the plan and the shop's orders with the rules written out in this file — not with
 * the app's code.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import { listCandidates } from "~/models/Candidate/Candidate.server";
import { computeRetention, presetPeriod, shopFigures } from "~/models/Analytics/Analytics.server";
import { continueHistorySync, requestHistorySync } from "~/models/OrderHistory/OrderHistorySync.server";
import { drainWebhookInbox } from "~/jobs/webhook-inbox.server";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as ordersCancelled } from "~/routes/webhooks.orders.cancelled";
import { action as refundsCreate } from "~/routes/webhooks.refunds.create";
import { LocalShopStore, seedStore, type LocalShop, type OrderRecord } from "#/local-shop";
import { readAppToml } from "#/demo/app-config";
import { adminClientFor, startTestShop, TEST_SHOP, webhookRequest } from "#/utils/test-shop";
import { planDemoHistory, placeDemoOrders, type DemoHistoryPlan, type PlannedOrder } from "#/factories/demo-history";
import { seedDemoProgram, type DemoProgram } from "#/factories/demo-program";

const DAY = 86_400_000;
const NOW = Date.now();
const SEED = { customers: 1_200, orders: 3_600, seed: 1, now: NOW };

const ROUTES: Record<string, (args: ActionFunctionArgs) => Promise<Response>> = {
  "orders/create": ordersCreate,
  "orders/cancelled": ordersCancelled,
  "refunds/create": refundsCreate,
};

let shop: LocalShop;
let graphql: AdminGraphqlClient;
let plan: DemoHistoryPlan;
let program: DemoProgram;

beforeAll(async () => {
  shop = await startTestShop({ seed: SEED, throttle: { restoreRate: 1_000 } });
  plan = planDemoHistory(shop.store, { now: NOW });
  const placed = placeDemoOrders(shop.store, plan);
  graphql = await adminClientFor(shop);
  // The install reads the whole history, the program's orders included.
  const sync = await requestHistorySync(graphql, TEST_SHOP, readAppToml().scopes, new Date(NOW));
  const synced = await continueHistorySync(graphql, TEST_SHOP, sync.id, { pollIntervalMs: 20, pageSize: 250, throttleBackoffMs: 50 });
  if (synced?.status !== "completed") throw new Error(`History sync: ${synced?.status} ${synced?.error}`);
  program = await seedDemoProgram({
    shop: TEST_SHOP,
    localShop: shop,
    graphql,
    plan,
    placed,
    async deliver(topic, payload, { webhookId }) {
      const uri = `/webhooks/${topic}`;
      const response = await ROUTES[topic]({ request: await webhookRequest(uri, topic, payload, { webhookId }), params: {}, context: {} });
      if (response.status !== 200) throw new Error(`${topic} answered ${response.status}`);
    },
    settle: () => drainWebhookInbox(TEST_SHOP),
  });
}, 600_000);

afterAll(async () => {
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  await shop?.close();
});

// ---- the figures by hand ---------------------------------------------------------------

/** Items − the code's discount + shipping + tax, less refunds; nothing left when cancelled. */
function netOf(order: PlannedOrder): number {
  if (order.cancelledAt !== null) return 0;
  const items = order.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  return items - order.discountCents + order.shippingCents + order.taxCents - (order.refund?.amountCents ?? 0);
}

/** An order earns: not the ambassador's own, not cancelled, something left after refunds. */
const earns = (order: PlannedOrder) => order.buyer.kind !== "self" && netOf(order) > 0;

/**
 * The demo's reward rules, as the merchant set them: 10 % commission; Silver (10 orders)
 * 12 %, Gold (25 orders and $2,000 in sales) 15 %, from the order after the one that got
 * them there; $10 at the 5th order, $25 at $1,500 in sales. Each order's reward is rounded
 * half up to the cent.
 */
function rewardsByHand(orders: PlannedOrder[]) {
  const reward = new Map<string, number>();
  const bonuses: { ambassador: string; at: number; cents: number }[] = [];
  const tier = new Map<string, string>();
  for (const ambassador of plan.ambassadors) {
    let count = 0;
    let sales = 0;
    for (const order of orders.filter((o) => o.ambassador === ambassador.key).sort((a, b) => a.at - b.at)) {
      const rate = count >= 25 && sales >= 200_000 ? 1_500 : count >= 10 ? 1_200 : 1_000;
      reward.set(order.key, earns(order) ? Math.round((netOf(order) * rate) / 10_000) : 0);
      if (!earns(order)) continue;
      count += 1;
      sales += netOf(order);
      if (count === 5) bonuses.push({ ambassador: ambassador.key, at: order.at, cents: 1_000 });
      if (sales >= 150_000 && sales - netOf(order) < 150_000) bonuses.push({ ambassador: ambassador.key, at: order.at, cents: 2_500 });
    }
    tier.set(ambassador.key, count >= 25 && sales >= 200_000 ? "Gold" : count >= 10 ? "Silver" : "none");
  }
  return { reward, bonuses, tier };
}

/** The last 30 UTC days, today included: [from, to). */
function last30Days() {
  const now = new Date(NOW);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = today - 29 * DAY;
  return { from, to: today + DAY, fromDay: new Date(from).toISOString().slice(0, 10), toDay: new Date(today).toISOString().slice(0, 10) };
}

/** A customer's order counts: not cancelled, not a test, not refunded in full. */
function counts(order: OrderRecord) {
  const total =
    order.lineItems.reduce((sum, li) => sum + li.quantity * li.unitPriceCents, 0) -
    order.discountCodes.reduce((sum, d) => sum + d.amountCents, 0) +
    order.shippingCents +
    order.taxCents;
  const refunded = order.refunds.reduce((sum, r) => sum + r.amountCents, 0);
  return order.cancelledAt === null && !order.test && refunded < total;
}

type Tally = { repeat: number; n: number };
const tally = (): Record<90 | 180, Tally> => ({ 90: { repeat: 0, n: 0 }, 180: { repeat: 0, n: 0 } });

/**
 * Repeat purchase within 90 / 180 days of a customer's first counting order, counted once
 * that window is over; (a) customers whose first counting order used an ambassador's code
 * (not their own), (c) everyone else but the ambassadors, in the first-order months (UTC)
 * where (a) has customers; (b) ambassadors who bought before joining: did they buy in the
 * window before joining, and in the window after.
 */
function retentionByHand(store: LocalShopStore) {
  const programCodes = new Set(plan.ambassadors.map((a) => a.code));
  const ambassadorCustomers = new Map(plan.ambassadors.map((a) => [a.customerId, a]));
  const ordersOf = new Map<string, OrderRecord[]>();
  for (const order of store.orders) {
    if (order.customerId === null || !counts(order)) continue;
    const id = String(order.customerId);
    ordersOf.set(id, [...(ordersOf.get(id) ?? []), order]);
  }
  const months = new Map<string, { acquired: Record<90 | 180, Tally>; others: Record<90 | 180, Tally>; acquiredMembers: number }>();
  for (const [customerId, orders] of ordersOf) {
    orders.sort((a, b) => a.createdAt - b.createdAt);
    const first = orders[0];
    const acquired =
      first.discountCodes.some((d) => programCodes.has(d.code.toUpperCase())) &&
      ambassadorCustomers.get(customerId)?.code !== first.discountCodes[0].code.toUpperCase();
    if (ambassadorCustomers.has(customerId) && !acquired) continue;
    const month = new Date(first.createdAt).toISOString().slice(0, 7);
    const cohort = months.get(month) ?? { acquired: tally(), others: tally(), acquiredMembers: 0 };
    months.set(month, cohort);
    if (acquired) cohort.acquiredMembers += 1;
    for (const window of [90, 180] as const) {
      if (first.createdAt + window * DAY > NOW) continue;
      const group = acquired ? cohort.acquired : cohort.others;
      group[window].n += 1;
      if (orders.filter((o) => o.createdAt - first.createdAt <= window * DAY).length >= 2) group[window].repeat += 1;
    }
  }
  const acquired = tally();
  const others = tally();
  for (const cohort of months.values()) {
    if (cohort.acquiredMembers === 0) continue;
    for (const window of [90, 180] as const) {
      acquired[window].n += cohort.acquired[window].n;
      acquired[window].repeat += cohort.acquired[window].repeat;
      others[window].n += cohort.others[window].n;
      others[window].repeat += cohort.others[window].repeat;
    }
  }
  const before = tally();
  const after = tally();
  for (const ambassador of plan.ambassadors) {
    const times = (ordersOf.get(ambassador.customerId) ?? []).map((o) => o.createdAt);
    const joined = ambassador.joinedAt;
    if (!times.some((t) => t <= joined)) continue;
    for (const window of [90, 180] as const) {
      if (joined + window * DAY > NOW) continue;
      before[window].n += 1;
      after[window].n += 1;
      if (times.some((t) => t <= joined && t > joined - window * DAY)) before[window].repeat += 1;
      if (times.some((t) => t > joined && t <= joined + window * DAY)) after[window].repeat += 1;
    }
  }
  return { acquired, others, before, after };
}

const asRate = (t: Tally) => ({ numerator: t.repeat, sample: t.n });

// ---- the checks ------------------------------------------------------------------------

describe("the demo's seeded program", () => {
  it("is the same history for the same shop and day", () => {
    const again = new LocalShopStore({ shopDomain: TEST_SHOP, now: () => NOW, grantedScopes: [] });
    seedStore(again, SEED);
    expect(planDemoHistory(again, { now: NOW })).toEqual(plan);
  });

  it("tells the story it promises", () => {
    const orders = plan.orders;
    expect(plan.ambassadors).toHaveLength(40);
    expect(plan.ambassadors.filter((a) => a.status === "paused")).toHaveLength(1);
    expect(plan.ambassadors.filter((a) => a.status === "removed")).toHaveLength(1);
    expect(orders.filter((o) => o.buyer.kind === "self")).toHaveLength(1);
    expect(orders.filter((o) => o.cancelledAt !== null)).toHaveLength(1);
    expect(orders.filter((o) => o.refund && o.refund.amountCents < netOf({ ...o, refund: null })).length).toBeGreaterThan(5);
    expect(orders.filter((o) => o.refund && o.refund.amountCents === netOf({ ...o, refund: null })).length).toBeGreaterThan(3);
    expect(orders.filter((o) => o.returns.length > 0).length).toBeGreaterThan(30);
    expect(orders.filter((o) => o.buyer.kind === "new" && o.returns.length === 0).length).toBeGreaterThan(30);
    expect(plan.orders[0].at).toBeGreaterThan(NOW - 200 * DAY);
  });

  it("the Dashboard's last 30 days: revenue, orders, new customers, clicks, costs and ROI", async () => {
    const { from, to, fromDay, toDay } = last30Days();
    const { reward, bonuses } = rewardsByHand(plan.orders);
    const period = plan.orders.filter((o) => o.at >= from && o.at < to);
    const counting = period.filter((o) => netOf(o) > 0);
    const revenue = counting.reduce((sum, o) => sum + netOf(o), 0);
    const discount = counting.reduce((sum, o) => sum + o.discountCents, 0);
    const rewards =
      period.reduce((sum, o) => sum + reward.get(o.key)!, 0) +
      bonuses.filter((b) => b.at >= from && b.at < to).reduce((sum, b) => sum + b.cents, 0);
    const clicks = plan.clicks.filter((c) => c.day >= fromDay && c.day <= toDay).reduce((sum, c) => sum + c.visitors, 0);
    expect(counting.length).toBeGreaterThan(40);

    const figures = await shopFigures(TEST_SHOP, presetPeriod("30d", new Date(NOW)));
    expect(figures).toMatchObject({
      orders: counting.length,
      revenueCents: revenue,
      newCustomers: counting.filter((o) => o.buyer.kind === "new").length,
      discountCents: discount,
      rewardCents: rewards,
      clicks,
      conversion: { numerator: counting.length, sample: clicks },
    });
    expect(figures.roi).toBeCloseTo((revenue - discount - rewards) / (discount + rewards), 10);
    expect(figures.roi).toBeGreaterThan(1);
  });

  it("the Dashboard's retention: (a), (c) and (b) at 90 and 180 days, with their n", async () => {
    const byHand = retentionByHand(shop.store);
    const retention = await computeRetention(TEST_SHOP, { now: new Date(NOW) });
    expect({
      acquired: { d90: retention.acquired.d90, d180: retention.acquired.d180 },
      others: { d90: retention.others.d90, d180: retention.others.d180 },
      before: { d90: retention.ambassadorsBefore.d90, d180: retention.ambassadorsBefore.d180 },
      after: { d90: retention.ambassadorsAfter.d90, d180: retention.ambassadorsAfter.d180 },
    }).toMatchObject({
      acquired: { d90: asRate(byHand.acquired[90]), d180: asRate(byHand.acquired[180]) },
      others: { d90: asRate(byHand.others[90]), d180: asRate(byHand.others[180]) },
      before: { d90: asRate(byHand.before[90]), d180: asRate(byHand.before[180]) },
      after: { d90: asRate(byHand.after[90]), d180: asRate(byHand.after[180]) },
    });
    // Real samples, not empty columns.
    expect(byHand.acquired[90].n).toBeGreaterThan(50);
    expect(byHand.acquired[180].n).toBeGreaterThan(5);
    expect(byHand.acquired[90].repeat).toBeGreaterThan(0);
  });

  it("Rewards: every order's reward and bonus in the balances, tiers reached, payouts paid and pending", async () => {
    const { reward, bonuses, tier } = rewardsByHand(plan.orders);
    const earned = [...reward.values()].reduce((sum, cents) => sum + cents, 0) + bonuses.reduce((sum, b) => sum + b.cents, 0);
    const balances = await prisma.rewardBalance.findMany({ where: { shop: TEST_SHOP } });
    const total = balances.reduce(
      (sum, b) => sum + Number(b.pendingCents) + Number(b.approvedCents) + Number(b.inPayoutCents) + Number(b.paidCents),
      0,
    );
    expect(total).toBe(earned);

    const standings = await prisma.ambassadorTier.findMany({ where: { shop: TEST_SHOP } });
    const tiers = await prisma.rewardTier.findMany({ where: { shop: TEST_SHOP } });
    const tierOf = (key: string) => {
      const standing = standings.find((s) => s.ambassadorId === program.ambassadorIds.get(key));
      return tiers.find((t) => t.id === standing?.tierId)?.name ?? "none";
    };
    expect(Object.fromEntries(plan.ambassadors.map((a) => [a.key, tierOf(a.key)]))).toEqual(Object.fromEntries(tier));
    expect([...tier.values()].filter((name) => name !== "none").length).toBeGreaterThanOrEqual(3);

    const payouts = await prisma.payout.groupBy({ by: ["status"], where: { shop: TEST_SHOP }, _count: { _all: true } });
    expect(Object.fromEntries(payouts.map((p) => [p.status, p._count._all]))).toMatchObject({ paid: expect.any(Number), pending: expect.any(Number) });
  });

  it("fraud: the self-referral and the leaked code are flagged, nothing else", async () => {
    const flags = await prisma.fraudFlag.findMany({ where: { shop: TEST_SHOP }, orderBy: { kind: "asc" } });
    const leaker = plan.ambassadors.find((a) => a.key === plan.leak.ambassador)!;
    const self = plan.orders.find((o) => o.key === plan.selfReferral)!;
    expect(flags.map((f) => ({ kind: f.kind, ambassadorId: f.ambassadorId }))).toEqual([
      { kind: "leak", ambassadorId: program.ambassadorIds.get(leaker.key) },
      { kind: "self_referral", ambassadorId: program.ambassadorIds.get(self.ambassador) },
    ]);
    expect(flags[0].sourceKey).toBe(`${leaker.code}:${new Date(plan.leak.from).toISOString().slice(0, 10)}`);
  });

  it("imported reviews and mentions: candidates show them in the score and the 'why' line", async () => {
    const reviewers = await prisma.customerStats.findMany({
      where: { shop: TEST_SHOP, positiveReviewCount: { gt: 0 } },
      select: { customerId: true },
    });
    expect(reviewers.length).toBeGreaterThan(10);
    // The visitor who never bought is not kept.
    expect(await prisma.customerReview.count({ where: { shop: TEST_SHOP, email: "sam.visitor@mail.example" } })).toBe(0);
    const listed = await listCandidates(TEST_SHOP, { filters: { signal: "reviews" }, pageSize: 250 });
    expect(listed.candidates.map((c) => c.customerId).sort()).toEqual(reviewers.map((r) => r.customerId).sort());
    expect(listed.candidates.every((c) => /\d+ orders?, last .*, \d+ (five|four)-star reviews?/.test(c.why))).toBe(true);
    expect(await prisma.socialMention.count({ where: { shop: TEST_SHOP } })).toBe(4);
  });

  it("gifts: the package picked, one welcome package sent as a free draft order, Gold with early access", async () => {
    const gifts = await prisma.gift.findMany({ where: { shop: TEST_SHOP } });
    expect(gifts).toMatchObject([{ occasion: "welcome", state: "draft", addressMissing: false }]);
    const draft = shop.store.draftOrders.find((d) => d.tags.includes(`ambassador-gift-${gifts[0].id}`))!;
    expect(draft.lineItems.map((l) => [l.title, l.quantity])).toEqual([
      ["Branded fuzzy socks", 2],
      ["Canvas notebook", 1],
    ]);
    expect(shop.store.draftOrderTotalCents(draft)).toBe(0);
    expect(draft.shippingAddress?.address1).toBe("12 Harbour Street");
    const tiers = await prisma.rewardTier.findMany({ where: { shop: TEST_SHOP }, orderBy: { minOrders: "asc" } });
    expect(tiers.map((t) => [t.name, t.earlyAccess])).toEqual([
      ["Silver", false],
      ["Gold", true],
    ]);
  });
});
