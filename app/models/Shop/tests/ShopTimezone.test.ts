import { afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { shopTimezone } from "~/models/Shop/ShopTimezone.server";
import { shopDates } from "~/components/ShopDates";
import type { LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";

const DAY_MS = 86_400_000;
let shop: LocalShop | undefined;

afterEach(async () => {
  await shop?.close();
  shop = undefined;
  await prisma.shop.deleteMany({ where: { shop: TEST_SHOP } });
});

describe("the shop's time zone", () => {
  it("is read from Shopify once, kept, and read again a day later", async () => {
    shop = await startTestShop();
    shop.store.shop.ianaTimezone = "Asia/Tokyo";
    await prisma.shop.create({ data: { shop: TEST_SHOP } });
    const graphql = await adminClientFor(shop);
    const now = new Date("2026-12-07T12:00:00Z");
    expect(await shopTimezone(graphql, TEST_SHOP, now)).toBe("Asia/Tokyo");

    // The merchant moves the shop: the kept zone holds until the daily re-check.
    shop.store.shop.ianaTimezone = "Europe/Paris";
    expect(await shopTimezone(graphql, TEST_SHOP, new Date(now.getTime() + DAY_MS / 2))).toBe("Asia/Tokyo");
    expect(await shopTimezone(graphql, TEST_SHOP, new Date(now.getTime() + DAY_MS + 1))).toBe("Europe/Paris");
  });
});

describe("dates on admin pages", () => {
  it("fall on the shop's calendar day, in one format", () => {
    const lateEvening = "2026-12-07T03:30:00.000Z"; // 22:30 the day before in New York
    const newYork = shopDates("America/New_York");
    expect(newYork.date(lateEvening)).toBe("Dec 6, 2026");
    expect(newYork.dateTime(lateEvening)).toBe("Dec 6, 2026, 10:30 PM EST");
    expect(shopDates("Asia/Tokyo").date(lateEvening)).toBe("Dec 7, 2026");
  });
});
