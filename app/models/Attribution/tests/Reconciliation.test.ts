import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import { drainJobs } from "~/jobs/runner.server";
import { dueReconciliations, requestReconciliation } from "~/jobs/reconciliation.server";
import { finishHistorySync, startHistorySync } from "~/models/OrderHistory/HistorySync.server";
import { orderAmounts, type LocalShop } from "#/local-shop";
import { adminClientFor, adminRequest, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { action, loader } from "~/routes/app.reconciliation/route";
import { action as resolveFlag } from "~/routes/app.fraud-flags.$id.resolve/route";
import {
  recentOrdersQuery,
  reconcileRecentOrders,
  startReconciliationRun,
} from "../Reconciliation.server";
import {
  attributed,
  deliver,
  delivery,
  freshShops,
  makeAmbassadors,
  orderDelivery,
  placeOrder,
  watchLedger,
} from "./fixtures";

const OTHER_SHOP = "reconcile-other.myshopify.com";
const FAST = { throttleBackoffMs: 5, pageSize: 7 };

let shop: LocalShop;
let graphql: AdminGraphqlClient;
let ledger: ReturnType<typeof watchLedger>;

beforeAll(async () => {
  shop = await startTestShop({ seed: { customers: 40, orders: 30, seed: 9 } });
  graphql = await adminClientFor(shop);
  ledger = watchLedger();
});
afterAll(async () => {
  vi.restoreAllMocks();
  await drainJobs();
  await freshShops(shop, OTHER_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  await shop?.close();
});
beforeEach(async () => {
  await freshShops(shop, OTHER_SHOP);
  ledger.clear();
});

const customers = () => shop.store.customers;
const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

async function reconcile() {
  const run = await startReconciliationRun(TEST_SHOP, "manual");
  const result = await reconcileRecentOrders(graphql, TEST_SHOP, run.id, FAST);
  return { run: await prisma.reconciliationRun.findUniqueOrThrow({ where: { id: run.id } }), result };
}

describe("reconciliation", () => {
  it("repairs a missed orders/create and a missed refund, reports them, and finds nothing the second time", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const name = [jane.firstName, jane.lastName].filter(Boolean).join(" ");
    const delivered = placeOrder(shop, customers()[10], jane.code);
    await deliver(orderDelivery(shop, "orders/create", delivered));
    // Shopify's notifications for these never arrived:
    const missed = placeOrder(shop, customers()[11], jane.code.toLowerCase());
    shop.store.addRefund(delivered.id, { amountCents: 1_000 });
    // Not the program's business: another code, and an order older than 30 days.
    placeOrder(shop, customers()[12], "WELCOME5");
    const old = placeOrder(shop, customers()[13], jane.code, { createdAt: Date.now() - 40 * 86_400_000 });
    const seedOrders = await prisma.orderFact.count({ where: { shop: TEST_SHOP } });

    const { run, result } = await reconcile();
    const total = (o: typeof delivered) => orderAmounts(o).totalCents;
    expect(result.report.sort()).toEqual(
      [
        `Order ${missed.name} with code ${jane.code} was missing: attributed to ${name} (net ${money(total(missed))}).`,
        `Order ${delivered.name} with code ${jane.code} (${name}): net ${money(total(delivered))} → ${money(total(delivered) - 1_000)} (a refund was missed).`,
      ].sort(),
    );
    expect(run).toMatchObject({ status: "completed", ordersRead: 2, ordersFixed: 2, trigger: "manual" });
    expect(run.report.split("\n").sort()).toEqual(result.report);
    expect(await attributed(TEST_SHOP, missed.id)).toMatchObject({
      ambassadorId: jane.id,
      netCents: total(missed),
      discountCents: 500,
      newCustomer: true,
    });
    expect(await attributed(TEST_SHOP, delivered.id)).toMatchObject({ netCents: total(delivered) - 1_000 });
    expect(await attributed(TEST_SHOP, old.id)).toBeNull();
    // Only orders with program codes were stored; the refund fact too.
    expect(await prisma.orderFact.count({ where: { shop: TEST_SHOP } })).toBe(seedOrders + 1);
    expect(await prisma.refundFact.count({ where: { shop: TEST_SHOP, orderId: String(delivered.id) } })).toBe(1);
    expect(ledger.calls().map((c) => c.cause).filter((c) => c.startsWith("reconcile:")).sort()).toEqual(
      [`reconcile:${run.id}:${delivered.id}`, `reconcile:${run.id}:${missed.id}`].sort(),
    );

    const again = await reconcile();
    expect(again.result).toMatchObject({ ordersRead: 2, ordersFixed: 0, report: [] });
    expect(again.run).toMatchObject({ status: "completed", ordersFixed: 0, report: "" });
  });

  it("reports a missed cancellation, and the job records failures in plain words", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[1]]);
    const order = placeOrder(shop, customers()[14], jane.code);
    await deliver(orderDelivery(shop, "orders/create", order));
    // A second later (the Admin API's times have whole seconds, the local shop's webhooks ms).
    shop.store.cancelOrder(order.id, { at: order.createdAt + 2_000 });

    await requestReconciliation(TEST_SHOP, "manual");
    await drainJobs();
    const [run] = await prisma.reconciliationRun.findMany({ where: { shop: TEST_SHOP } });
    expect(run).toMatchObject({ status: "completed", ordersFixed: 1 });
    expect(run.report).toContain(`Order ${order.name} with code ${jane.code}`);
    expect(run.report).toContain("it was cancelled");
    expect(await attributed(TEST_SHOP, order.id)).toMatchObject({ netCents: 0 });

    shop.faults.add({ kind: "http5xx", operationName: "ReconcileOrders", times: Infinity });
    try {
      const failed = await requestReconciliation(TEST_SHOP, "scheduled");
      await drainJobs();
      const stored = await prisma.reconciliationRun.findUniqueOrThrow({ where: { id: failed.id } });
      expect(stored.status).toBe("failed");
      expect(stored.error).toMatch(/^The check stopped: /);
    } finally {
      shop.faults.clear();
    }
  });

  it("asks Shopify for recently updated orders with a discount code", () => {
    expect(recentOrdersQuery(new Date("2026-05-01T10:00:00.123Z"))).toBe(
      "updated_at:>='2026-05-01T10:00:00Z' discount_code:*",
    );
  });

  it("is due daily per installed shop with codes, never twice within 24 hours", async () => {
    const now = new Date();
    await prisma.shop.createMany({ data: [{ shop: TEST_SHOP }, { shop: OTHER_SHOP }] });
    expect(await dueReconciliations(now)).toEqual([]); // no codes anywhere yet
    await makeAmbassadors(shop, graphql, [customers()[2]]);
    expect(await dueReconciliations(now)).toEqual([TEST_SHOP]);

    const run = await startReconciliationRun(TEST_SHOP, "scheduled");
    expect(await dueReconciliations(now)).toEqual([]);
    expect(await dueReconciliations(new Date(run.startedAt.getTime() + 25 * 3_600_000))).toEqual([TEST_SHOP]);
    await prisma.shop.update({ where: { shop: TEST_SHOP }, data: { uninstalledAt: new Date() } });
    expect(await dueReconciliations(new Date(run.startedAt.getTime() + 25 * 3_600_000))).toEqual([]);
  });

  it("two shops never mix: a run for one reads and writes only that shop", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[3]]);
    await prisma.ambassadorCode.create({
      data: {
        shop: OTHER_SHOP,
        ambassadorId: (
          await prisma.ambassador.create({ data: { shop: OTHER_SHOP, status: "active", source: "candidate" } })
        ).id,
        code: jane.code,
      },
    });
    placeOrder(shop, customers()[15], jane.code);
    await reconcile();
    expect(await prisma.attributedOrder.count({ where: { shop: TEST_SHOP } })).toBe(1);
    expect(await prisma.attributedOrder.count({ where: { shop: OTHER_SHOP } })).toBe(0);
    expect(await prisma.reconciliationRun.count({ where: { shop: OTHER_SHOP } })).toBe(0);
  });
});

describe("the Order check page", () => {
  beforeEach(async () => {
    // A finished history sync: the admin request's install hook leaves the shop alone.
    const sync = await startHistorySync(TEST_SHOP, { method: "bulk" });
    await finishHistorySync(TEST_SHOP, sync.id);
  });

  it("'Check recent orders now' starts a run; the page lists the runs with their reports", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[4]]);
    const order = placeOrder(shop, customers()[16], jane.code);

    let response: unknown;
    try {
      response = await action({
        request: await adminRequest("/app/reconciliation", { method: "POST", body: new URLSearchParams() }),
        params: {},
        context: {},
      });
    } catch (thrown) {
      response = thrown;
    }
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).status).toBe(302);
    await drainJobs();

    const { runs } = await loader({ request: await adminRequest("/app/reconciliation"), params: {}, context: {} });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "manual", status: "completed", ordersFixed: 1 });
    expect(runs[0].report).toEqual([expect.stringContaining(`Order ${order.name} with code ${jane.code} was missing`)]);
  });

  it("lists the Shopify notifications the app could not apply, with why", async () => {
    // Signed by Shopify, stored and acknowledged, but without the order's id.
    const unreadable = delivery("orders/create", { name: "#1001", total_price: "10.00" });
    await deliver(unreadable);
    const { notApplied } = await loader({ request: await adminRequest("/app/reconciliation"), params: {}, context: {} });
    expect(notApplied).toEqual([
      expect.objectContaining({ id: unreadable.webhookId, topic: "orders/create", error: expect.stringMatching(/could not be read/) }),
    ]);
  });

  it("'Mark as reviewed' resolves a flag of this shop only", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[5]]);
    const mine = await prisma.fraudFlag.create({
      data: { shop: TEST_SHOP, ambassadorId: jane.id, kind: "leak", sourceKey: `${jane.code}:2026-05-01` },
    });
    const theirs = await prisma.fraudFlag.create({
      data: { shop: OTHER_SHOP, ambassadorId: "x", kind: "leak", sourceKey: "X:2026-05-01" },
    });
    const post = async (id: string) =>
      resolveFlag({
        request: await adminRequest(`/app/fraud-flags/${id}/resolve`, { method: "POST" }),
        params: { id },
        context: {},
      });
    expect(await post(mine.id)).toEqual({ ok: true });
    expect((await prisma.fraudFlag.findUniqueOrThrow({ where: { id: mine.id } })).resolvedAt).not.toBeNull();
    expect(((await post(theirs.id)) as Response).status).toBe(404);
    expect((await prisma.fraudFlag.findUniqueOrThrow({ where: { id: theirs.id } })).resolvedAt).toBeNull();
  });
});
