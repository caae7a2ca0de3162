import { afterAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  DEFAULT_PROGRAM_SETTINGS,
  getProgramSettings,
  saveProgramSettings,
} from "../ProgramSettings.server";
import { deleteShopData, uniqueShop } from "#/factories/orders";

const shop = uniqueShop("settings");
const otherShop = uniqueShop("settings-other");
afterAll(() => deleteShopData(shop, otherShop));

describe("program settings", () => {
  it("are the defaults (2 orders, any spend, 365 days) until the merchant saves", async () => {
    expect(await getProgramSettings(shop)).toEqual({
      minOrders: 2,
      minSpentCents: 0,
      recencyDays: 365,
      currencyCode: null,
      // Engagement signals' points, each on by default.
      reviewWeight: 15, mentionWeight: 10, emailWeight: 5, smsWeight: 5,
    });
    expect(DEFAULT_PROGRAM_SETTINGS.minOrders).toBe(2);
  });

  it("save valid input, form strings included, for this shop only", async () => {
    const result = await saveProgramSettings(shop, { minOrders: "3", minSpentCents: 5_000, recencyDays: " 180 " });
    expect(result).toEqual({
      ok: true,
      settings: { minOrders: 3, minSpentCents: 5_000, recencyDays: 180, currencyCode: null, reviewWeight: 15, mentionWeight: 10, emailWeight: 5, smsWeight: 5 },
    });
    // Weights are saved when given, from 0 (off) to 50, and kept when not.
    expect((await saveProgramSettings(shop, { minOrders: 3, minSpentCents: 5_000, recencyDays: 180, reviewWeight: "0", smsWeight: 50 })).ok).toBe(true);
    expect(await getProgramSettings(shop)).toMatchObject({ reviewWeight: 0, mentionWeight: 10, smsWeight: 50 });
    expect((await saveProgramSettings(shop, { minOrders: 3, minSpentCents: 5_000, recencyDays: 180 })).ok).toBe(true);
    expect(await getProgramSettings(shop)).toMatchObject({ reviewWeight: 0, smsWeight: 50 });
    await saveProgramSettings(shop, { minOrders: 3, minSpentCents: 5_000, recencyDays: 180, reviewWeight: 15, smsWeight: 5 });
    expect(await getProgramSettings(shop)).toMatchObject({ minOrders: 3, minSpentCents: 5_000, recencyDays: 180 });
    expect(await getProgramSettings(otherShop)).toMatchObject({ minOrders: 2, recencyDays: 365 });
  });

  it("return an error per bad field and save nothing", async () => {
    const before = await getProgramSettings(shop);
    const result = await saveProgramSettings(shop, { minOrders: -1, minSpentCents: 12.5, recencyDays: 100_000 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors).toEqual({
      minOrders: ["Minimum orders must be at least 1"],
      minSpentCents: ["Minimum spend must be a whole number"],
      recencyDays: ["Days since last order must be at most 7,300"],
    });
    expect(await getProgramSettings(shop)).toEqual(before);
  });

  it("refuse missing and non-numeric values", async () => {
    const result = await saveProgramSettings(otherShop, { minOrders: "", minSpentCents: "ten", recencyDays: undefined });
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        minOrders: ["Minimum orders must be a number"],
        minSpentCents: ["Minimum spend must be a number"],
        recencyDays: ["Days since last order is required"],
      },
    });
    expect(await prisma.programSettings.findUnique({ where: { shop: otherShop } })).toBeNull();
  });
});
