import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalShop } from "../index";
import { gql, NOW, startShop } from "./helpers";

// first: 20 → 2 + 20 × 1 = 22 points
const TWENTY_CUSTOMERS = `{ customers(first: 20) { nodes { id } } }`;

describe("throttling (leaky bucket)", () => {
  let shop: LocalShop;
  let clock = NOW;
  beforeAll(async () => {
    shop = await startShop({
      now: () => clock,
      throttle: { bucketSize: 100, restoreRate: 10 },
      seed: { customers: 25, orders: 10, seed: 2, now: NOW },
    });
  });
  afterAll(() => shop.close());

  it("charges each query and throttles without executing once the bucket is empty", async () => {
    const token = shop.issueAccessToken();
    const available: number[] = [];
    for (let i = 0; i < 4; i++) {
      const body = await gql(shop, TWENTY_CUSTOMERS, undefined, token);
      expect(body.data.customers.nodes).toHaveLength(20);
      expect(body.extensions?.cost.requestedQueryCost).toBe(22);
      available.push(body.extensions!.cost.throttleStatus.currentlyAvailable);
    }
    expect(available).toEqual([78, 56, 34, 12]);

    // A mutation that would change data must not run when throttled.
    const customer = shop.store.customers[0];
    const throttled = await gql(
      shop,
      `mutation($id: ID!) { tagsAdd(id: $id, tags: ["never"]) { node { id } userErrors { message } } }`,
      { id: `gid://shopify/Customer/${customer.id}` },
      token,
    );
    expect(throttled.data).toBeUndefined();
    expect(throttled.errors).toEqual([
      { message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } },
    ]);
    expect(throttled.extensions?.cost).toEqual({
      requestedQueryCost: 13, // 10 + payload 1 + node 1 + userErrors 1
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 100, currentlyAvailable: 12, restoreRate: 10 },
    });
    expect(customer.tags).not.toContain("never");
    expect(shop.store.stats.throttled).toBe(1);
    expect(shop.store.stats.pointsSpent).toBe(4 * 22);

    // One second later 10 points are back: 22 fit again.
    clock += 1000;
    const recovered = await gql(shop, TWENTY_CUSTOMERS, undefined, token);
    expect(recovered.errors).toBeUndefined();
    expect(recovered.extensions?.cost.throttleStatus.currentlyAvailable).toBe(0);

    // The bucket never overfills.
    clock += 60_000;
    const full = await gql(shop, `{ shop { name } }`, undefined, token);
    expect(full.extensions?.cost.throttleStatus.currentlyAvailable).toBe(100 - 1);
  });

  it("refuses a query over the single-query limit of 1,000 points", async () => {
    // 2 + 250 × (node 1 + amountSpent 1 + lastOrder 1 + defaultEmailAddress 1) = 1002
    const body = await gql(
      shop,
      `{ customers(first: 250) { nodes { id amountSpent { amount } lastOrder { id } defaultEmailAddress { emailAddress } } } }`,
    );
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0].extensions).toMatchObject({ code: "MAX_COST_EXCEEDED", cost: 1002, maxCost: 1000 });
    expect(body.errors?.[0].message).toMatch(/^Query cost is 1002, which exceeds the single query max cost limit \(1000\)/);
  });
});
