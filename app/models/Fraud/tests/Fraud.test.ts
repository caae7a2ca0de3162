import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { detectLeaks, listFraudFlags } from "~/models/Fraud/Fraud.server";
import { seedAmbassador, seedAttributedOrders, type AttributedInput } from "#/factories/analytics";
import { shopsErasedAfterFile } from "#/factories/orders";

const shopNamed = shopsErasedAfterFile();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AT = new Date("2026-06-30T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

/** A shop with one active ambassador and their code, created `codeAgeDays` before AT. */
async function shopWithCode(label: string, settings: { leakOrdersPerDay: number; leakAutoPause: boolean }, codeAgeDays = 365) {
  const shop = shopNamed(label);
  const ambassadorId = `${shop}:jane`;
  await seedAmbassador(shop, { id: ambassadorId, customerId: "9001", firstName: "Jane", code: "JANE100", activatedAt: iso(AT.getTime() - codeAgeDays * DAY) });
  await prisma.ambassadorCode.create({
    data: { shop, ambassadorId, code: "JANE100", shopifyState: "present", createdAt: new Date(AT.getTime() - codeAgeDays * DAY) },
  });
  await prisma.rewardSettings.create({ data: { shop, ...settings } });
  return { shop, ambassadorId };
}

let orderSeq = 0;
/** New customers' orders with the code, one buyer each, at the given times. */
function newCustomerOrders(ambassadorId: string, times: number[], overrides: Partial<AttributedInput> = {}): AttributedInput[] {
  return times.map((time) => {
    const id = ++orderSeq;
    return {
      orderId: `o${id}`,
      ambassadorId,
      code: "JANE100",
      buyerCustomerId: `c${id}`,
      processedAt: iso(time),
      netCents: 5_000,
      discountCents: 500,
      newCustomer: true,
      ...overrides,
    };
  });
}

const hoursBefore = (count: number) => Array.from({ length: count }, (_, i) => AT.getTime() - i * HOUR);

describe("leak detection", () => {
  it("flags a code more new customers used in 24 hours than the limit, once, and asks to pause it with auto-pause", async () => {
    const { shop, ambassadorId } = await shopWithCode("fraud-limit", { leakOrdersPerDay: 3, leakAutoPause: true });
    await seedAttributedOrders(shop, [
      ...newCustomerOrders(ambassadorId, hoursBefore(4)),
      // None of these is a new customer the limit counts: a self-referral, a guest, a returning buyer.
      ...newCustomerOrders(ambassadorId, [AT.getTime() - 5 * HOUR], { selfReferral: true }),
      ...newCustomerOrders(ambassadorId, [AT.getTime() - 6 * HOUR], { buyerCustomerId: null }),
      ...newCustomerOrders(ambassadorId, [AT.getTime() - 7 * HOUR], { newCustomer: false }),
    ]);
    // The same code in another shop is another shop's business.
    const other = await shopWithCode("fraud-limit-other", { leakOrdersPerDay: 3, leakAutoPause: true });
    await seedAttributedOrders(other.shop, newCustomerOrders(other.ambassadorId, hoursBefore(3)));

    const check = { code: "JANE100", ambassadorId, at: AT };
    expect(await detectLeaks(prisma, shop, [check])).toEqual([ambassadorId]);
    expect(await detectLeaks(prisma, other.shop, [{ ...check, ambassadorId: other.ambassadorId }])).toEqual([]);
    // A replay (or the next order of the same day) raises nothing new and pauses nothing.
    expect(await detectLeaks(prisma, shop, [check])).toEqual([]);

    const flags = await listFraudFlags(shop);
    expect(flags.map((f) => [f.kind, f.ambassadorId])).toEqual([["leak", ambassadorId]]);
    expect(flags[0].detail).toMatch(/^Code JANE100 was used by 4 different new customers within 24 hours \(more than 3\)/);
    expect(await listFraudFlags(other.shop)).toEqual([]);
  });

  it("finds the busiest window around the order, whatever order the deliveries came in", async () => {
    const { shop, ambassadorId } = await shopWithCode("fraud-window", { leakOrdersPerDay: 3, leakAutoPause: false });
    // Four buyers within 24 hours, all after the order being checked.
    await seedAttributedOrders(shop, newCustomerOrders(ambassadorId, [1, 5, 10, 20].map((h) => AT.getTime() + h * HOUR)));
    expect(await detectLeaks(prisma, shop, [{ code: "JANE100", ambassadorId, at: AT }])).toEqual([]);
    expect((await listFraudFlags(shop)).map((f) => f.kind)).toEqual(["leak"]);
  });

  it("flags a spike against a quiet history, but not for a code too new to have one, nor for a busy code", async () => {
    const quiet = await shopWithCode("fraud-spike", { leakOrdersPerDay: 20, leakAutoPause: false });
    // Three new customers over the month before the window (0.1 a day), then five in a day.
    await seedAttributedOrders(quiet.shop, [
      ...newCustomerOrders(quiet.ambassadorId, [3, 12, 25].map((d) => AT.getTime() - d * DAY)),
      ...newCustomerOrders(quiet.ambassadorId, hoursBefore(5)),
    ]);
    expect(await detectLeaks(prisma, quiet.shop, [{ code: "JANE100", ambassadorId: quiet.ambassadorId, at: AT }])).toEqual([]);
    const [flag] = await listFraudFlags(quiet.shop);
    expect(flag.detail).toMatch(/used by 5 different new customers within 24 hours, against 0\.1 a day over the 30 days before/);

    const young = await shopWithCode("fraud-young", { leakOrdersPerDay: 20, leakAutoPause: false }, 5);
    await seedAttributedOrders(young.shop, newCustomerOrders(young.ambassadorId, hoursBefore(5)));
    expect(await detectLeaks(prisma, young.shop, [{ code: "JANE100", ambassadorId: young.ambassadorId, at: AT }])).toEqual([]);
    expect(await listFraudFlags(young.shop)).toEqual([]);

    const busy = await shopWithCode("fraud-busy", { leakOrdersPerDay: 20, leakAutoPause: false });
    await seedAttributedOrders(busy.shop, [
      ...newCustomerOrders(busy.ambassadorId, Array.from({ length: 30 }, (_, d) => AT.getTime() - (d + 1.5) * DAY)),
      ...newCustomerOrders(busy.ambassadorId, hoursBefore(5)),
    ]);
    expect(await detectLeaks(prisma, busy.shop, [{ code: "JANE100", ambassadorId: busy.ambassadorId, at: AT }])).toEqual([]);
    expect(await listFraudFlags(busy.shop)).toEqual([]);
  });
});
