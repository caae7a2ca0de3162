import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import { drainJobs } from "~/jobs/runner.server";
import { changeCode } from "~/models/Ambassador/Ambassador.server";
import { listFraudFlags, resolveFraudFlag } from "~/models/Fraud/Fraud.server";
import { orderReward } from "~/models/Rewards/Rewards.server";
import { orderAmounts, type LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import {
  attributed,
  deliver,
  freshShops,
  makeAmbassadors,
  orderDelivery,
  placeOrder,
  programCodes,
  refundDelivery,
  watchLedger,
  type Delivery,
} from "~/models/Attribution/tests/fixtures";

const OTHER_SHOP = "attribution-other.myshopify.com";

let shop: LocalShop;
let graphql: AdminGraphqlClient;
let ledger: ReturnType<typeof watchLedger>;

beforeAll(async () => {
  shop = await startTestShop({ seed: { customers: 60, orders: 0, seed: 5 }, throttle: { restoreRate: 1_000 } });
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

describe("attribution from order webhooks", () => {
  it("orders/create attributes an order that used the code, whatever its case, and tells the ledger", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const buyer = customers()[10];
    const order = placeOrder(shop, buyer, jane.code.toLowerCase(), { discountCents: 750 });
    await deliver(orderDelivery(shop, "orders/create", order));

    expect(await attributed(TEST_SHOP, order.id)).toMatchObject({
      ambassadorId: jane.id,
      code: jane.code,
      buyerCustomerId: buyer.legacyResourceId,
      newCustomer: true,
      selfReferral: false,
      discountCents: 750,
      netCents: orderAmounts(order).totalCents,
      cancelledAt: null,
    });
    expect(ledger.calls()).toEqual([
      { shop: TEST_SHOP, orderIds: [String(order.id)], cause: `order:${order.id}:${order.updatedAt}` },
    ]);

    // An order without a program code is not attributed and the ledger is not bothered.
    const plain = placeOrder(shop, customers()[11], "SUMMER10");
    await deliver(orderDelivery(shop, "orders/create", plain));
    expect(await attributed(TEST_SHOP, plain.id)).toBeNull();
    expect(ledger.calls()).toHaveLength(1);
  });

  it("with the reward ledger: the order earns its commission, a refund adjusts it, a replay adds nothing", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const order = placeOrder(shop, customers()[18], jane.code);
    const create = orderDelivery(shop, "orders/create", order);
    await deliver(create);
    const earned = async () =>
      (await prisma.rewardEntry.findMany({ where: { shop: TEST_SHOP, orderId: String(order.id) } }))
        .filter((e) => e.status !== "void")
        .reduce((sum, e) => sum + Number(e.amountCents), 0);
    const total = orderAmounts(order).totalCents;
    expect(await earned()).toBe(orderReward(total, 1000, 0));
    const refund = shop.store.addRefund(order.id, { amountCents: 2_000 });
    await deliver(refundDelivery(shop, order, refund));
    await deliver({ ...create, webhookId: crypto.randomUUID() });
    expect(await earned()).toBe(orderReward(total - 2_000, 1000, 0));
  });

  it("refunds and cancellation lower the attributed net; the order stays attributed", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const order = placeOrder(shop, customers()[12], jane.code);
    const total = orderAmounts(order).totalCents;
    await deliver(orderDelivery(shop, "orders/create", order));

    const refund = shop.store.addRefund(order.id, { amountCents: 1_000 });
    await deliver(refundDelivery(shop, order, refund));
    expect(await attributed(TEST_SHOP, order.id)).toMatchObject({ netCents: total - 1_000 });
    expect(ledger.calls().at(-1)?.cause).toBe(`refund:${refund.id}`);

    await deliver(orderDelivery(shop, "orders/updated", order));
    expect(await attributed(TEST_SHOP, order.id)).toMatchObject({ netCents: total - 1_000 });

    shop.store.cancelOrder(order.id);
    await deliver(orderDelivery(shop, "orders/cancelled", order));
    const row = await attributed(TEST_SHOP, order.id);
    expect(row).toMatchObject({ ambassadorId: jane.id, netCents: 0 });
    expect(row?.cancelledAt?.getTime()).toBe(order.cancelledAt);
  });

  it("the same delivery 10 times, and the deliveries in reverse, give the same attributed order", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const buyer = customers()[13];
    const earlier = placeOrder(shop, buyer, null, { createdAt: Date.now() - 5 * 86_400_000 });
    const order = placeOrder(shop, buyer, jane.code);
    const story: Delivery[] = [orderDelivery(shop, "orders/create", earlier), orderDelivery(shop, "orders/create", order)];
    const refund = shop.store.addRefund(order.id, { amountCents: 700 });
    story.push(refundDelivery(shop, order, refund), orderDelivery(shop, "orders/updated", order));
    const second = shop.store.addRefund(order.id, { amountCents: 300 });
    story.push(orderDelivery(shop, "orders/updated", order), refundDelivery(shop, order, second));

    for (const d of story) await deliver(d);
    const expected = await attributed(TEST_SHOP, order.id);
    expect(expected).toMatchObject({ netCents: orderAmounts(order).totalCents - 1_000, newCustomer: false });

    // Once more in reverse, each delivery 10 times (same id: deduped) and again under new
    // ids (as Shopify does when it thinks a delivery failed), into a shop with no facts.
    await prisma.$transaction([
      prisma.orderFact.deleteMany({ where: { shop: TEST_SHOP } }),
      prisma.refundFact.deleteMany({ where: { shop: TEST_SHOP } }),
      prisma.attributedOrder.deleteMany({ where: { shop: TEST_SHOP } }),
      prisma.customerStats.deleteMany({ where: { shop: TEST_SHOP, customerId: buyer.legacyResourceId } }),
    ]);
    for (const d of [...story].reverse()) {
      for (let i = 0; i < 10; i++) await deliver(d);
      for (let i = 0; i < 10; i++) await deliver({ ...d, webhookId: crypto.randomUUID() });
    }
    expect(await attributed(TEST_SHOP, order.id)).toEqual(expected);
    expect(await prisma.attributedOrder.count({ where: { shop: TEST_SHOP } })).toBe(1);
  });

  it("a retired code still attributes to the ambassador who held it", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    expect(await changeCode(TEST_SHOP, jane.id)).toEqual({ ok: true });
    const order = placeOrder(shop, customers()[14], jane.code);
    await deliver(orderDelivery(shop, "orders/create", order));
    expect(await attributed(TEST_SHOP, order.id)).toMatchObject({ ambassadorId: jane.id, code: jane.code });
  });

  it("new customer: only when the buyer had no counting order before, whatever the delivery order", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const fresh = customers()[15];
    const returning = customers()[16];
    const old = placeOrder(shop, returning, null, { createdAt: Date.now() - 40 * 86_400_000 });
    const cancelledBefore = placeOrder(shop, fresh, null, { createdAt: Date.now() - 30 * 86_400_000 });
    shop.store.cancelOrder(cancelledBefore.id);
    const freshOrder = placeOrder(shop, fresh, jane.code);
    const returningOrder = placeOrder(shop, returning, jane.code);

    await deliver(orderDelivery(shop, "orders/cancelled", cancelledBefore));
    await deliver(orderDelivery(shop, "orders/create", freshOrder));
    // The returning buyer's older order arrives after the new one.
    await deliver(orderDelivery(shop, "orders/create", returningOrder));
    expect(await attributed(TEST_SHOP, returningOrder.id)).toMatchObject({ newCustomer: true });
    await deliver(orderDelivery(shop, "orders/create", old));

    expect(await attributed(TEST_SHOP, freshOrder.id)).toMatchObject({ newCustomer: true });
    expect(await attributed(TEST_SHOP, returningOrder.id)).toMatchObject({ newCustomer: false });
  });

  it("self-referral by customer id and by email: attributed, flagged, never the email stored", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const own = placeOrder(shop, jane.customer, jane.code);
    const asGuest = placeOrder(shop, null, jane.code, { email: jane.customer.email!.toUpperCase() });
    await deliver(orderDelivery(shop, "orders/create", own));
    await deliver(orderDelivery(shop, "orders/create", asGuest));

    for (const order of [own, asGuest]) {
      const row = await attributed(TEST_SHOP, order.id);
      expect(row).toMatchObject({ ambassadorId: jane.id, selfReferral: true });
      expect(JSON.stringify(row)).not.toContain(jane.customer.email!.split("@")[0]);
    }
    const flags = await listFraudFlags(TEST_SHOP, { ambassadorId: jane.id, unresolved: true });
    expect(flags.map((f) => [f.kind, f.detail.includes(own.name) || f.detail.includes(asGuest.name)])).toEqual([
      ["self_referral", true],
      ["self_referral", true],
    ]);
    // A redelivery raises nothing new; a resolved flag leaves the unresolved list.
    await deliver(orderDelivery(shop, "orders/updated", own));
    expect(await prisma.fraudFlag.count({ where: { shop: TEST_SHOP } })).toBe(2);
    expect(await resolveFraudFlag(TEST_SHOP, flags[0].id)).toBe(true);
    expect(await listFraudFlags(TEST_SHOP, { unresolved: true })).toHaveLength(1);
    expect(await resolveFraudFlag(OTHER_SHOP, flags[1].id)).toBe(false);
  });

  it("a leaked code: flagged at 21 new customers in 24 hours (threshold 20), and paused in Shopify with auto-pause", async () => {
    const [jane, john] = await makeAmbassadors(shop, graphql, [customers()[0], customers()[1]]);
    await prisma.rewardSettings.create({ data: { shop: TEST_SHOP, leakAutoPause: true } });
    const buyers = customers().slice(20, 41);
    // All on one UTC day (yesterday, 01:00 to 11:00, the late one at 12:00): a leak flag
    // is keyed by its window's UTC day, so a run just after midnight must not split them.
    const today = new Date();
    const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 1, 1);
    for (const [i, buyer] of buyers.entries()) {
      const order = placeOrder(shop, buyer, jane.code, { createdAt: start + i * 30 * 60_000 });
      await deliver(orderDelivery(shop, "orders/create", order));
      if (i === 19) {
        expect(await prisma.fraudFlag.count({ where: { shop: TEST_SHOP, kind: "leak" } })).toBe(0);
      }
    }
    const [flag] = await listFraudFlags(TEST_SHOP, { ambassadorId: jane.id });
    expect(flag).toMatchObject({ kind: "leak", label: "Leaked code" });
    expect(flag.detail).toContain("21 different new customers");
    const stored = await prisma.fraudFlag.findUniqueOrThrow({ where: { id: flag.id } });
    expect(stored.sourceKey).toMatch(new RegExp(`^${jane.code}:\\d{4}-\\d{2}-\\d{2}$`));

    await drainJobs();
    expect((await prisma.ambassador.findUniqueOrThrow({ where: { id: jane.id } })).status).toBe("paused");
    expect(programCodes(shop)).toEqual([john.code]);
    // The 22nd order the same day raises nothing new and does not pause again.
    const late = placeOrder(shop, customers()[45], jane.code, { createdAt: start + 11 * 3_600_000 });
    await deliver(orderDelivery(shop, "orders/create", late));
    expect(await prisma.fraudFlag.count({ where: { shop: TEST_SHOP, kind: "leak" } })).toBe(1);
  });

  it("a code used by 5 new customers in a day against a quiet month is a spike; without auto-pause nothing is paused", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    // The code has existed for 40 days, with one order 20 days ago.
    await prisma.ambassadorCode.updateMany({
      where: { shop: TEST_SHOP, code: jane.code },
      data: { createdAt: new Date(Date.now() - 40 * 86_400_000) },
    });
    const quiet = placeOrder(shop, customers()[30], jane.code, { createdAt: Date.now() - 20 * 86_400_000 });
    await deliver(orderDelivery(shop, "orders/create", quiet));
    for (const buyer of customers().slice(31, 35)) {
      await deliver(orderDelivery(shop, "orders/create", placeOrder(shop, buyer, jane.code)));
    }
    expect(await prisma.fraudFlag.count({ where: { shop: TEST_SHOP } })).toBe(0);
    await deliver(orderDelivery(shop, "orders/create", placeOrder(shop, customers()[35], jane.code)));
    const [flag] = await listFraudFlags(TEST_SHOP);
    expect(flag.detail).toContain("5 different new customers within 24 hours, against 0.0 a day");
    await drainJobs();
    expect((await prisma.ambassador.findUniqueOrThrow({ where: { id: jane.id } })).status).toBe("active");
    expect(programCodes(shop)).toEqual([jane.code]);
  });

  it("an orders/create without updated_at (code used) is attributed from its created_at, not lost", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const order = placeOrder(shop, customers()[19], jane.code);
    const create = orderDelivery(shop, "orders/create", order);
    delete (create.payload as { updated_at?: string }).updated_at;
    await deliver(create);

    expect(await attributed(TEST_SHOP, order.id)).toMatchObject({ ambassadorId: jane.id, netCents: orderAmounts(order).totalCents });
    expect(await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId: create.webhookId } })).toMatchObject({
      processedAt: expect.any(Date),
      lastError: null,
    });
  });

  it("an order or refund delivery it cannot read is repaired by re-reading the order from Shopify", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const order = placeOrder(shop, customers()[20], jane.code);
    // orders/updated without updated_at: which version it is cannot be told from it.
    const update = orderDelivery(shop, "orders/updated", order);
    delete (update.payload as { updated_at?: string }).updated_at;
    await deliver(update);
    expect(await attributed(TEST_SHOP, order.id)).toMatchObject({ ambassadorId: jane.id, netCents: orderAmounts(order).totalCents });
    expect(ledger.calls()).toEqual([{ shop: TEST_SHOP, orderIds: [String(order.id)], cause: expect.stringMatching(`^order:${order.id}:`) }]);

    // A refund whose own id is missing: its order, re-read, carries the refund.
    const refund = shop.store.addRefund(order.id, { amountCents: 1_500 });
    const refundOf = refundDelivery(shop, order, refund);
    delete (refundOf.payload as { id?: number }).id;
    await deliver(refundOf);
    expect(await attributed(TEST_SHOP, order.id)).toMatchObject({ netCents: orderAmounts(order).totalCents - 1_500 });
    const rows = await prisma.webhookInbox.findMany({ where: { webhookId: { in: [update.webhookId, refundOf.webhookId] } } });
    expect(rows.map((row) => [row.processedAt !== null, row.lastError])).toEqual([
      [true, null],
      [true, null],
    ]);
  });

  it("a delivery naming an order Shopify does not have is kept with its error for the merchant", async () => {
    const order = placeOrder(shop, customers()[21], null);
    const update = orderDelivery(shop, "orders/updated", order);
    const payload = update.payload as { id: number; updated_at?: string };
    payload.id = 99_000_000_001;
    delete payload.updated_at;
    await deliver(update);
    const kept = await prisma.webhookInbox.findUniqueOrThrow({ where: { webhookId: update.webhookId } });
    expect(kept).toMatchObject({ processedAt: null, lastError: expect.stringContaining("Shopify has no order 99000000001") });
    expect(await prisma.orderFact.count({ where: { shop: TEST_SHOP, orderId: "99000000001" } })).toBe(0);
  });

  it("two shops side by side never mix, even with the same code", async () => {
    const [jane] = await makeAmbassadors(shop, graphql, [customers()[0]]);
    const other = await prisma.ambassador.create({
      data: { shop: OTHER_SHOP, status: "active", source: "candidate", firstName: "Other", code: jane.code },
    });
    await prisma.ambassadorCode.create({
      data: { shop: OTHER_SHOP, ambassadorId: other.id, code: jane.code, shopifyState: "present" },
    });
    const order = placeOrder(shop, customers()[17], jane.code);
    const d = orderDelivery(shop, "orders/create", order);
    await deliver(d);
    await deliver(d, "attribution-other");

    expect(await attributed(TEST_SHOP, order.id)).toMatchObject({ ambassadorId: jane.id });
    expect(await attributed(OTHER_SHOP, order.id)).toMatchObject({ ambassadorId: other.id });
    const refund = shop.store.addRefund(order.id, { amountCents: 500 });
    await deliver(refundDelivery(shop, order, refund), "attribution-other");
    expect((await attributed(TEST_SHOP, order.id))?.netCents).toBe(orderAmounts(order).totalCents);
    expect((await attributed(OTHER_SHOP, order.id))?.netCents).toBe(orderAmounts(order).totalCents - 500);
    expect(ledger.calls().map((c) => c.shop)).toEqual([TEST_SHOP, OTHER_SHOP, OTHER_SHOP]);
  });
});
