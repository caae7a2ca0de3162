import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { adminRequest, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import type { LocalShop } from "#/local-shop";
import { loader } from "../route";

describe("admin home", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    // A session left by another file holds a token this fresh shop never issued.
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    shop = await startTestShop();
  });
  afterAll(() => shop.close());

  it("shows the store's name and its customer and order counts, read through the Admin API", async () => {
    const { overview } = await loader({
      request: await adminRequest("/app"),
      params: {},
      context: {},
    });

    expect(overview.name).toBe(shop.store.shop.name);
    expect(overview.domain).toBe(TEST_SHOP);
    expect(overview.customerCount).toBe(shop.store.customers.length);
    expect(overview.orderCount).toBe(shop.store.orders.length);
    expect(overview.customerCountIsLowerBound).toBe(false);
  });

  it("gets its offline access token by token exchange and keeps it in the database", async () => {
    const session = await prisma.session.findFirst({ where: { shop: TEST_SHOP, isOnline: false } });
    expect(session?.accessToken).toBeTruthy();
    expect(session?.scope?.split(",")).toContain("read_orders");
  });
});
