import { describe, expect, it } from "vitest";
import { getDashboard, parsePeriod, presetPeriod } from "~/models/Analytics/Analytics.server";
import { addDays, shopDay, startOfShopDay } from "~/utils/shop-days";
import { shopsErasedAfterFile } from "#/factories/orders";
import { seedAmbassador, seedAttributedOrders } from "#/factories/analytics";
import prisma from "~/db.server";

const shopNamed = shopsErasedAfterFile();

// Auckland is 13 hours ahead of UTC in December (daylight saving), Los Angeles 8 behind.
const AUCKLAND = "Pacific/Auckland";
const LOS_ANGELES = "America/Los_Angeles";

describe("days of the shop's calendar", () => {
  it("knows which day an instant falls on, and when a day starts, across daylight saving", () => {
    expect(shopDay(new Date("2026-11-30T11:30:00Z"), AUCKLAND)).toBe("2026-12-01");
    expect(shopDay(new Date("2026-11-30T10:30:00Z"), AUCKLAND)).toBe("2026-11-30");
    expect(shopDay(new Date("2026-12-07T06:30:00Z"), LOS_ANGELES)).toBe("2026-12-06");
    expect(startOfShopDay("2026-12-01", AUCKLAND).toISOString()).toBe("2026-11-30T11:00:00.000Z");
    expect(startOfShopDay("2026-06-01", AUCKLAND).toISOString()).toBe("2026-05-31T12:00:00.000Z");
    expect(startOfShopDay("2026-12-07", LOS_ANGELES).toISOString()).toBe("2026-12-07T08:00:00.000Z");
    // The day Los Angeles moves its clocks forward (Mar 8, 2026) and the day after.
    expect(startOfShopDay("2026-03-08", LOS_ANGELES).toISOString()).toBe("2026-03-08T08:00:00.000Z");
    expect(startOfShopDay("2026-03-09", LOS_ANGELES).toISOString()).toBe("2026-03-09T07:00:00.000Z");
    expect(addDays("2026-12-01", -30)).toBe("2026-11-01");
  });

  it("ends a preset period on the shop's today, not UTC's", () => {
    // 00:30 on Dec 7 in Auckland, still Dec 6 in UTC.
    const now = new Date("2026-12-06T11:30:00Z");
    expect(presetPeriod("7d", now, AUCKLAND)).toEqual({ key: "7d", from: "2026-12-01", to: "2026-12-07", days: 7, timeZone: AUCKLAND });
    expect(presetPeriod("7d", now, "UTC")).toMatchObject({ from: "2026-11-30", to: "2026-12-06" });
    expect(parsePeriod(new URLSearchParams("period=custom&from=2026-12-01&to=2026-12-07"), now, AUCKLAND).period).toEqual({
      key: "custom",
      from: "2026-12-01",
      to: "2026-12-07",
      days: 7,
      timeZone: AUCKLAND,
    });
  });

  it("counts an order just after the shop's midnight on the shop's day, in the figures and the chart", async () => {
    const shop = shopNamed("tz-auckland");
    await seedAmbassador(shop, { id: `${shop}:kiri`, customerId: "9101", firstName: "Kiri", code: "KIRI10", activatedAt: "2026-10-01T00:00:00.000Z" });
    const order = { ambassadorId: `${shop}:kiri`, code: "KIRI10", discountCents: 100 };
    await seedAttributedOrders(shop, [
      // 00:30 on Dec 1 in Auckland (11:30 UTC on Nov 30): the period's first day.
      { ...order, orderId: "a1", buyerCustomerId: "b1", processedAt: "2026-11-30T11:30:00.000Z", netCents: 1_000 },
      // 23:30 on Nov 30 in Auckland: the day before the period.
      { ...order, orderId: "a2", buyerCustomerId: "b2", processedAt: "2026-11-30T10:30:00.000Z", netCents: 2_000 },
      // 23:30 on Dec 7 in Auckland: the period's last day.
      { ...order, orderId: "a3", buyerCustomerId: "b3", processedAt: "2026-12-07T10:30:00.000Z", netCents: 4_000 },
    ]);
    // A click at 00:10 on Dec 1 in Auckland (UTC day Nov 30), and one just before.
    await prisma.shareClick.createMany({
      data: [
        { shop, ambassadorId: `${shop}:kiri`, day: "2026-11-30", visitorHash: "v1", code: "KIRI10", createdAt: new Date("2026-11-30T11:10:00Z") },
        { shop, ambassadorId: `${shop}:kiri`, day: "2026-11-30", visitorHash: "v2", code: "KIRI10", createdAt: new Date("2026-11-30T10:50:00Z") },
      ],
    });

    const week = presetPeriod("7d", new Date("2026-12-07T10:45:00Z"), AUCKLAND);
    expect(week).toMatchObject({ from: "2026-12-01", to: "2026-12-07" });
    const { figures, series } = await getDashboard(shop, week);
    expect(figures).toMatchObject({ orders: 2, revenueCents: 5_000, clicks: 1 });
    expect(series.map((point) => point.key)).toEqual([
      "2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06", "2026-12-07",
    ]);
    expect(series[0]).toMatchObject({ orders: 1, revenueCents: 1_000 });
    expect(series[6]).toMatchObject({ orders: 1, revenueCents: 4_000 });

    // The same orders on UTC days: a2 and a1 both fall on Nov 30.
    const utc = await getDashboard(shop, { key: "custom", from: "2026-11-30", to: "2026-11-30", days: 1, timeZone: "UTC" });
    expect(utc.figures).toMatchObject({ orders: 2, revenueCents: 3_000, clicks: 2 });
  });

  it("puts a Los Angeles evening order on the shop's day, and months by the shop's calendar", async () => {
    const shop = shopNamed("tz-los-angeles");
    await seedAmbassador(shop, { id: `${shop}:lou`, customerId: "9102", firstName: "Lou", code: "LOU10", activatedAt: "2026-01-01T00:00:00.000Z" });
    const order = { ambassadorId: `${shop}:lou`, code: "LOU10", discountCents: 0 };
    await seedAttributedOrders(shop, [
      // 22:30 on Dec 6 in Los Angeles (06:30 UTC on Dec 7).
      { ...order, orderId: "l1", buyerCustomerId: "c1", processedAt: "2026-12-07T06:30:00.000Z", netCents: 700 },
      // 20:00 on Aug 31 in Los Angeles (03:00 UTC on Sep 1).
      { ...order, orderId: "l2", buyerCustomerId: "c2", processedAt: "2026-09-01T03:00:00.000Z", netCents: 900 },
    ]);
    const { series } = await getDashboard(shop, parsePeriod(new URLSearchParams("period=custom&from=2026-12-06&to=2026-12-07"), new Date("2026-12-08T00:00:00Z"), LOS_ANGELES).period);
    expect(series).toEqual([
      { key: "2026-12-06", orders: 1, revenueCents: 700 },
      { key: "2026-12-07", orders: 0, revenueCents: 0 },
    ]);
    // Past 120 days the chart goes by month: the August evening order stays in August.
    const long = parsePeriod(new URLSearchParams("period=custom&from=2026-06-01&to=2026-12-07"), new Date("2026-12-08T00:00:00Z"), LOS_ANGELES).period;
    const monthly = (await getDashboard(shop, long)).series;
    expect(monthly.find((point) => point.key === "2026-08")).toMatchObject({ orders: 1, revenueCents: 900 });
    expect(monthly.find((point) => point.key === "2026-09")).toMatchObject({ orders: 0 });
  });
});
