import { describe, expect, it } from "vitest";
import { LocalShopStore, orderAmounts, seedStore } from "../index";
import { NOW } from "./helpers";

function seeded(seed: number, customers = 1000, orders = 1500) {
  const store = new LocalShopStore({ shopDomain: "demo-shop.myshopify.com", now: () => NOW, grantedScopes: [] });
  const summary = seedStore(store, { customers, orders, seed, now: NOW });
  return { store, summary };
}

const snapshot = (store: LocalShopStore) =>
  JSON.stringify({ customers: store.customers, orders: store.orders, discounts: store.discounts });

describe("seedStore", () => {
  it("is deterministic: same seed, same data", () => {
    expect(snapshot(seeded(7, 200, 300).store)).toBe(snapshot(seeded(7, 200, 300).store));
    expect(snapshot(seeded(7, 200, 300).store)).not.toBe(snapshot(seeded(8, 200, 300).store));
  });

  const { store, summary } = seeded(3);

  it("creates what was asked, spread over two years", () => {
    expect(store.customers).toHaveLength(1000);
    expect(store.orders).toHaveLength(1500);
    const times = store.orders.map((o) => o.createdAt);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW - 731 * 24 * 3600 * 1000);
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
    expect(Math.min(...times)).toBeLessThan(NOW - 600 * 24 * 3600 * 1000);
    // Order numbers grow with time, like a real shop's.
    expect(store.orders.map((o) => o.number)).toEqual([...store.orders].sort((a, b) => a.createdAt - b.createdAt).map((o) => o.number));
  });

  it("has a realistic mix of repeat buyers, guests, discounts, refunds and cancellations", () => {
    const buyers = store.customers.filter((c) => c.orderIds.length > 0);
    const repeat = buyers.filter((c) => c.orderIds.length >= 2);
    expect(repeat.length / buyers.length).toBeGreaterThan(0.22);
    expect(repeat.length / buyers.length).toBeLessThan(0.4);
    expect(Math.max(...buyers.map((c) => c.orderIds.length))).toBeGreaterThanOrEqual(8);
    expect(Math.max(...buyers.map((c) => c.orderIds.length))).toBeLessThanOrEqual(15);

    const share = (n: number) => n / store.orders.length;
    expect(share(store.orders.filter((o) => o.customerId === null).length)).toBeCloseTo(0.07, 1);
    expect(share(store.orders.filter((o) => o.discountCodes.length > 0).length)).toBeCloseTo(0.1, 1);
    expect(share(store.orders.filter((o) => o.cancelledAt !== null).length)).toBeCloseTo(0.02, 1);
    const refundedNotCancelled = store.orders.filter((o) => o.refunds.length > 0 && o.cancelledAt === null);
    expect(share(refundedNotCancelled.length)).toBeCloseTo(0.05, 1);
    const partial = refundedNotCancelled.filter((o) => orderAmounts(o).currentTotalCents > 0);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(refundedNotCancelled.length);
    expect(summary.discountCodes).toContain("WELCOME10");
    // Every code used on an order exists as a discount.
    for (const order of store.orders) for (const { code } of order.discountCodes) expect(store.findRedeemCode(code)).toBeDefined();
  });

  it("keeps customer statistics consistent with their orders", () => {
    for (const customer of store.customers) {
      const orders = store.orders.filter((o) => o.customerId === customer.id);
      const stats = store.customerStats(customer.id);
      expect(stats.numberOfOrders).toBe(orders.length);
      expect(customer.orderIds).toEqual(orders.map((o) => o.id));
      expect(stats.amountSpentCents).toBe(orders.reduce((sum, o) => sum + orderAmounts(o).currentTotalCents, 0));
      expect(stats.lastOrder?.id ?? null).toBe(orders.at(-1)?.id ?? null);
      if (orders.length) expect(customer.updatedAt).toBeGreaterThanOrEqual(orders.at(-1)!.createdAt);
      expect(customer.createdAt).toBeLessThanOrEqual(orders[0]?.createdAt ?? Infinity);
    }
  });
});
