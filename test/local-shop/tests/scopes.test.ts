import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECENT_ORDERS_WINDOW_MS, type LocalShop } from "../index";
import { gql, NOW, startShop } from "./helpers";

describe("access scopes", () => {
  describe("without read_all_orders", () => {
    let shop: LocalShop;
    beforeAll(async () => {
      shop = await startShop({
        now: () => NOW,
        grantedScopes: ["read_customers", "read_orders"],
        seed: { customers: 40, orders: 200, seed: 11, now: NOW },
        bulkChunkDelayMs: 1,
      });
    });
    afterAll(() => shop.close());

    const recent = () => shop.store.orders.filter((o) => o.createdAt >= NOW - RECENT_ORDERS_WINDOW_MS);
    const old = () => shop.store.orders.filter((o) => o.createdAt < NOW - RECENT_ORDERS_WINDOW_MS);

    it("hides orders older than 60 days from lists and counts", async () => {
      expect(recent().length).toBeGreaterThan(0);
      expect(old().length).toBeGreaterThan(0);
      const body = await gql(shop, `{ ordersCount(limit: null) { count } orders(first: 250) { nodes { id createdAt } } }`);
      expect(body.data.ordersCount.count).toBe(recent().length);
      expect(body.data.orders.nodes.map((o: { id: string }) => o.id).sort()).toEqual(
        recent().map((o) => `gid://shopify/Order/${o.id}`).sort(),
      );
    });

    it("hides them from order(id), node(id) and a customer's orders", async () => {
      const hidden = old()[0];
      const body = await gql(shop, `query($id: ID!) { order(id: $id) { id } node(id: $id) { id } }`, {
        id: `gid://shopify/Order/${hidden.id}`,
      });
      expect(body.data).toEqual({ order: null, node: null });

      const customer = shop.store.customers.find((c) => c.orderIds.some((id) => shop.store.order(id)!.createdAt < NOW - RECENT_ORDERS_WINDOW_MS))!;
      const visible = customer.orderIds.filter((id) => shop.store.order(id)!.createdAt >= NOW - RECENT_ORDERS_WINDOW_MS);
      const orders = await gql(shop, `query($id: ID!) { customer(id: $id) { numberOfOrders orders(first: 50) { nodes { id } } } }`, {
        id: `gid://shopify/Customer/${customer.id}`,
      });
      // The statistic still counts every order; the list only shows what the app may see.
      expect(orders.data.customer.numberOfOrders).toBe(String(customer.orderIds.length));
      expect(orders.data.customer.orders.nodes).toHaveLength(visible.length);
    });

    it("hides them from bulk operations", async () => {
      await gql(shop, `mutation { bulkOperationRunQuery(query: "{ orders { edges { node { id } } } }") { userErrors { message } } }`);
      await shop.waitForBulkOperations();
      const op = [...shop.store.bulkOperations.values()].at(-1)!;
      expect(op.status).toBe("COMPLETED");
      expect(op.rootObjectCount).toBe(recent().length);
    });
  });

  describe("fields needing a scope that was not granted", () => {
    let shop: LocalShop;
    beforeAll(async () => {
      shop = await startShop({ grantedScopes: ["read_orders"], seed: { customers: 5, orders: 5, seed: 1 } });
    });
    afterAll(() => shop.close());

    it("answer ACCESS_DENIED naming the field and the scope, leaving other fields alone", async () => {
      const body = await gql(shop, `query($id: ID!) { shop { name } customer(id: $id) { id } }`, {
        id: `gid://shopify/Customer/${shop.store.customers[0].id}`,
      });
      expect(body.data).toEqual({ shop: { name: "Demo Shop" }, customer: null });
      expect(body.errors).toEqual([
        {
          message: "Access denied for customer field. Required access: `read_customers` access scope.",
          locations: [{ line: 1, column: 33 }],
          path: ["customer"],
          extensions: {
            code: "ACCESS_DENIED",
            documentation: "https://shopify.dev/api/usage/access-scopes",
            requiredAccess: "`read_customers` access scope.",
          },
        },
      ]);
    });

    it("deny mutations the same way, without running them", async () => {
      const before = shop.store.discounts.length;
      const body = await gql(
        shop,
        `mutation { discountCodeBasicCreate(basicCodeDiscount: { title: "x", code: "X1", startsAt: "2025-01-01T00:00:00Z" }) { userErrors { message } } }`,
      );
      expect(body.errors?.[0].extensions?.code).toBe("ACCESS_DENIED");
      expect(body.errors?.[0].message).toMatch(/`write_discounts` access scope/);
      expect(shop.store.discounts).toHaveLength(before);
    });

    it("treat write_X as granting read_X", async () => {
      shop.store.grantedScopes = ["write_customers"];
      const body = await gql(shop, `{ customers(first: 1) { nodes { id } } }`);
      expect(body.errors).toBeUndefined();
      shop.store.grantedScopes = ["read_orders"];
    });
  });
});
