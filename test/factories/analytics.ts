/**
 * Rows the measurement dashboard reads, inserted directly: ambassadors, order facts,
 * attributed orders, reward entries and share clicks. Dates are ISO strings (UTC); money
 * is minor units. `recomputeStats` derives CustomerStats from the facts as a sync does.
 */
import prisma from "~/db.server";
import { recomputeAllCustomers } from "~/models/OrderHistory/customer-stats.server";

const at = (iso: string) => new Date(iso);

export async function seedAmbassador(
  shop: string,
  a: { id: string; customerId: string | null; firstName: string; lastName?: string; code: string; activatedAt: string | null },
) {
  await prisma.ambassador.create({
    data: {
      id: a.id,
      shop,
      customerId: a.customerId,
      status: "active",
      source: "candidate",
      firstName: a.firstName,
      lastName: a.lastName ?? null,
      email: `${a.firstName.toLowerCase()}@example.com`,
      code: a.code,
      activatedAt: a.activatedAt ? at(a.activatedAt) : null,
    },
  });
}

export interface FactInput {
  orderId: string;
  customerId: string | null;
  processedAt: string;
  totalCents: number;
  refundedCents?: number;
  cancelled?: boolean;
  test?: boolean;
  code?: string;
}

export async function seedOrderFacts(shop: string, facts: FactInput[]) {
  await prisma.orderFact.createMany({
    data: facts.map((f) => ({
      shop,
      orderId: f.orderId,
      customerId: f.customerId,
      processedAt: at(f.processedAt),
      totalCents: BigInt(f.totalCents),
      refundedCents: BigInt(f.refundedCents ?? 0),
      cancelledAt: f.cancelled ? at(f.processedAt) : null,
      test: f.test ?? false,
      discountCodes: f.code ?? "",
      sourceUpdatedAt: at(f.processedAt),
    })),
  });
}

export interface AttributedInput {
  orderId: string;
  ambassadorId: string;
  code: string;
  buyerCustomerId: string | null;
  processedAt: string;
  netCents: number;
  discountCents: number;
  newCustomer?: boolean;
  selfReferral?: boolean;
  cancelled?: boolean;
}

export async function seedAttributedOrders(shop: string, orders: AttributedInput[]) {
  await prisma.attributedOrder.createMany({
    data: orders.map((o) => ({
      shop,
      orderId: o.orderId,
      ambassadorId: o.ambassadorId,
      code: o.code,
      buyerCustomerId: o.buyerCustomerId,
      processedAt: at(o.processedAt),
      newCustomer: o.newCustomer ?? false,
      selfReferral: o.selfReferral ?? false,
      discountCents: BigInt(o.discountCents),
      netCents: BigInt(o.netCents),
      cancelledAt: o.cancelled ? at(o.processedAt) : null,
    })),
  });
}

export interface RewardInput {
  ambassadorId: string;
  orderId?: string | null;
  kind: "commission" | "adjustment" | "milestone" | "payout";
  amountCents: number;
  status?: "pending" | "approved" | "paid" | "void";
  createdAt?: string;
}

let rewardSeq = 0;
export async function seedRewards(shop: string, entries: RewardInput[]) {
  await prisma.rewardEntry.createMany({
    data: entries.map((e) => ({
      shop,
      ambassadorId: e.ambassadorId,
      orderId: e.orderId ?? null,
      sourceKey: `test:${++rewardSeq}:${e.kind}:${e.orderId ?? ""}`,
      kind: e.kind,
      amountCents: BigInt(e.amountCents),
      status: e.status ?? "approved",
      createdAt: e.createdAt ? at(e.createdAt) : undefined,
    })),
  });
}

/** `count` distinct visitors' clicks on the ambassador's link on that UTC day. */
export async function seedClicks(shop: string, ambassadorId: string, day: string, count: number, code = "CODE") {
  await prisma.shareClick.createMany({
    data: Array.from({ length: count }, (_, i) => ({ shop, ambassadorId, day, visitorHash: `v${i}`, code })),
  });
}

export async function seedCurrency(shop: string, currencyCode: string) {
  await prisma.programSettings.upsert({
    where: { shop },
    create: { shop, currencyCode },
    update: { currencyCode },
  });
}

export async function seedFraudFlag(
  shop: string,
  flag: { ambassadorId: string; kind: string; sourceKey: string; detail: string; createdAt: string; resolved?: boolean },
) {
  await prisma.fraudFlag.create({
    data: {
      shop,
      ambassadorId: flag.ambassadorId,
      kind: flag.kind,
      sourceKey: flag.sourceKey,
      detail: flag.detail,
      createdAt: at(flag.createdAt),
      resolvedAt: flag.resolved ? at(flag.createdAt) : null,
    },
  });
}

/** CustomerStats from the facts, as the end of a history sync computes them. */
export async function recomputeStats(shop: string, now: Date) {
  await recomputeAllCustomers(prisma, shop, { minOrders: 2, minSpentCents: 0, recencyDays: 365 }, now);
}

/**
 * The measurement scenario the dashboard tests read (answers worked out by hand in the
 * tests that use it). "Now" is NOW; the 30-day period is June 2026.
 *
 * Ambassadors: Jane (JANE100, customer 9001, joined 2025-12-01), Max (MAX200, 9002, joined
 * 2026-05-01), Ola (OLA300, 9003, joined 2025-11-01), Ivy (IVY400, 9004, joined 2025-10-01).
 */
export const NOW = new Date("2026-06-30T12:00:00.000Z");

export async function seedAnalyticsScenario(shop: string) {
  await seedAmbassador(shop, { id: `${shop}:jane`, customerId: "9001", firstName: "Jane", lastName: "Doe", code: "JANE100", activatedAt: "2025-12-01T00:00:00Z" });
  await seedAmbassador(shop, { id: `${shop}:max`, customerId: "9002", firstName: "Max", lastName: "Power", code: "MAX200", activatedAt: "2026-05-01T00:00:00Z" });
  await seedAmbassador(shop, { id: `${shop}:ola`, customerId: "9003", firstName: "Ola", code: "OLA300", activatedAt: "2025-11-01T00:00:00Z" });
  await seedAmbassador(shop, { id: `${shop}:ivy`, customerId: "9004", firstName: "Ivy", code: "IVY400", activatedAt: "2025-10-01T00:00:00Z" });
  const jane = `${shop}:jane`;
  const max = `${shop}:max`;

  // The period's attributed orders (June 2026) and one before it.
  await seedAttributedOrders(shop, [
    { orderId: "o1", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c1", processedAt: "2026-06-05T10:00:00Z", netCents: 10_000, discountCents: 1_000, newCustomer: true },
    { orderId: "o2", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c2", processedAt: "2026-06-10T10:00:00Z", netCents: 5_000, discountCents: 500 },
    { orderId: "o3", ambassadorId: max, code: "MAX200", buyerCustomerId: "c3", processedAt: "2026-06-15T10:00:00Z", netCents: 20_000, discountCents: 2_000, newCustomer: true },
    { orderId: "o4", ambassadorId: jane, code: "JANE100", buyerCustomerId: "c4", processedAt: "2026-06-20T10:00:00Z", netCents: 0, discountCents: 800, newCustomer: true, cancelled: true },
    { orderId: "o5", ambassadorId: max, code: "MAX200", buyerCustomerId: "c5", processedAt: "2026-05-20T10:00:00Z", netCents: 7_000, discountCents: 700, newCustomer: true },
  ]);
  await seedRewards(shop, [
    { ambassadorId: jane, orderId: "o1", kind: "commission", amountCents: 1_000 },
    { ambassadorId: jane, orderId: "o2", kind: "commission", amountCents: 500, status: "pending" },
    { ambassadorId: max, orderId: "o3", kind: "commission", amountCents: 2_000 },
    { ambassadorId: max, orderId: "o3", kind: "adjustment", amountCents: -500 },
    { ambassadorId: jane, orderId: "o4", kind: "commission", amountCents: 800, status: "void" },
    { ambassadorId: max, orderId: "o5", kind: "commission", amountCents: 700 },
    { ambassadorId: jane, kind: "milestone", amountCents: 1_500, createdAt: "2026-06-25T10:00:00Z" },
    { ambassadorId: jane, kind: "milestone", amountCents: 9_999, createdAt: "2026-04-25T10:00:00Z" },
    { ambassadorId: jane, kind: "payout", amountCents: -2_500, status: "paid", createdAt: "2026-06-26T10:00:00Z" },
  ]);
  await seedClicks(shop, jane, "2026-06-01", 4, "JANE100");
  await seedClicks(shop, jane, "2026-06-30", 6, "JANE100");
  await seedClicks(shop, max, "2026-06-12", 5, "MAX200");
  await seedClicks(shop, max, "2026-05-31", 3, "MAX200");

  // Retention: customers acquired through codes (101–104), other customers (201–206) and
  // the ambassadors' own orders (9001, 9003, 9004).
  await seedAttributedOrders(shop, [
    { orderId: "r101a", ambassadorId: jane, code: "JANE100", buyerCustomerId: "101", processedAt: "2025-10-05T10:00:00Z", netCents: 5_000, discountCents: 500, newCustomer: true },
    { orderId: "r102a", ambassadorId: jane, code: "JANE100", buyerCustomerId: "102", processedAt: "2025-10-10T10:00:00Z", netCents: 5_000, discountCents: 500, newCustomer: true },
    { orderId: "r103a", ambassadorId: jane, code: "JANE100", buyerCustomerId: "103", processedAt: "2025-10-15T10:00:00Z", netCents: 5_000, discountCents: 500, newCustomer: true },
    { orderId: "r104a", ambassadorId: max, code: "MAX200", buyerCustomerId: "104", processedAt: "2026-03-10T10:00:00Z", netCents: 5_000, discountCents: 500, newCustomer: true },
  ]);
  await seedOrderFacts(shop, [
    { orderId: "r101a", customerId: "101", processedAt: "2025-10-05T10:00:00Z", totalCents: 5_000, code: "JANE100" },
    { orderId: "r101b", customerId: "101", processedAt: "2025-11-20T10:00:00Z", totalCents: 3_000 },
    { orderId: "r102a", customerId: "102", processedAt: "2025-10-10T10:00:00Z", totalCents: 5_000, code: "JANE100" },
    { orderId: "r102b", customerId: "102", processedAt: "2026-02-10T10:00:00Z", totalCents: 3_000 },
    { orderId: "r103a", customerId: "103", processedAt: "2025-10-15T10:00:00Z", totalCents: 5_000, code: "JANE100" },
    { orderId: "r104a", customerId: "104", processedAt: "2026-03-10T10:00:00Z", totalCents: 5_000, code: "MAX200" },
    { orderId: "r104b", customerId: "104", processedAt: "2026-04-01T10:00:00Z", totalCents: 3_000 },

    { orderId: "r201a", customerId: "201", processedAt: "2025-10-01T10:00:00Z", totalCents: 4_000 },
    { orderId: "r201b", customerId: "201", processedAt: "2025-10-20T10:00:00Z", totalCents: 4_000 },
    { orderId: "r202a", customerId: "202", processedAt: "2025-10-02T10:00:00Z", totalCents: 4_000 },
    { orderId: "r202b", customerId: "202", processedAt: "2025-10-10T10:00:00Z", totalCents: 4_000, cancelled: true },
    { orderId: "r202c", customerId: "202", processedAt: "2026-05-01T10:00:00Z", totalCents: 4_000 },
    { orderId: "r203a", customerId: "203", processedAt: "2025-10-03T10:00:00Z", totalCents: 4_000 },
    { orderId: "r204a", customerId: "204", processedAt: "2025-10-04T10:00:00Z", totalCents: 4_000 },
    { orderId: "r204b", customerId: "204", processedAt: "2025-10-30T10:00:00Z", totalCents: 4_000, refundedCents: 4_000 },
    { orderId: "r204c", customerId: "204", processedAt: "2025-11-01T10:00:00Z", totalCents: 4_000, test: true },
    { orderId: "r205a", customerId: "205", processedAt: "2026-03-01T10:00:00Z", totalCents: 4_000 },
    { orderId: "r205b", customerId: "205", processedAt: "2026-05-15T10:00:00Z", totalCents: 4_000 },
    { orderId: "r206a", customerId: "206", processedAt: "2025-07-01T10:00:00Z", totalCents: 4_000 },
    { orderId: "r206b", customerId: "206", processedAt: "2025-07-10T10:00:00Z", totalCents: 4_000 },

    { orderId: "r9001a", customerId: "9001", processedAt: "2025-10-06T10:00:00Z", totalCents: 6_000 },
    { orderId: "r9001b", customerId: "9001", processedAt: "2025-10-25T10:00:00Z", totalCents: 6_000 },
    { orderId: "r9001c", customerId: "9001", processedAt: "2026-01-15T10:00:00Z", totalCents: 6_000 },
    { orderId: "r9003a", customerId: "9003", processedAt: "2025-06-01T10:00:00Z", totalCents: 6_000 },
    { orderId: "r9004a", customerId: "9004", processedAt: "2025-10-15T10:00:00Z", totalCents: 6_000 },
  ]);
  await recomputeStats(shop, NOW);
}
