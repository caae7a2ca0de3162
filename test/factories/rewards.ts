/**
 * Reward ledger fixtures: ambassadors and AttributedOrder rows written directly (as the
 * attribution model would leave them), and a helper that applies a change the way the
 * webhook transaction does.
 */
import prisma from "~/db.server";
import { applyAttributionChange } from "~/models/Rewards/Rewards.server";

export const DAY_MS = 86_400_000;

let sequence = 0;

export async function createAmbassador(
  shop: string,
  data: { customerId?: string | null; email?: string | null; firstName?: string; code?: string } = {}
) {
  sequence++;
  return prisma.ambassador.create({
    data: {
      shop,
      customerId: data.customerId === undefined ? String(900_000 + sequence) : data.customerId,
      email: data.email === undefined ? `amb${sequence}@example.com` : data.email,
      firstName: data.firstName ?? `Amb${sequence}`,
      status: "active",
      source: "candidate",
      code: data.code ?? `AMB${sequence}`,
      activatedAt: new Date(),
    },
  });
}

export interface AttributedOrderInput {
  orderId: string;
  ambassadorId: string;
  netCents: number;
  processedAt?: Date;
  selfReferral?: boolean;
  cancelledAt?: Date | null;
  discountCents?: number;
  code?: string;
  newCustomer?: boolean;
}

/** Upserts the AttributedOrder row (what attribution computes from the order facts). */
export async function attributeOrder(shop: string, input: AttributedOrderInput) {
  const data = {
    ambassadorId: input.ambassadorId,
    code: input.code ?? "CODE",
    processedAt: input.processedAt ?? new Date(),
    selfReferral: input.selfReferral ?? false,
    cancelledAt: input.cancelledAt ?? null,
    netCents: BigInt(input.netCents),
    discountCents: BigInt(input.discountCents ?? 0),
    newCustomer: input.newCustomer ?? false,
  };
  return prisma.attributedOrder.upsert({
    where: { shop_orderId: { shop, orderId: input.orderId } },
    create: { shop, orderId: input.orderId, ...data },
    update: data,
  });
}

/** Attribute (or re-attribute) and apply the reward change in one transaction. */
export async function rewardOrder(shop: string, input: AttributedOrderInput, cause: string, now = new Date()) {
  await attributeOrder(shop, input);
  return applyChange(shop, [input.orderId], cause, now);
}

export function applyChange(shop: string, orderIds: string[], cause: string, now = new Date()) {
  return prisma.$transaction((tx) => applyAttributionChange(tx, shop, orderIds, cause, now));
}

export async function ledger(shop: string, ambassadorId?: string) {
  return prisma.rewardEntry.findMany({
    where: { shop, ...(ambassadorId ? { ambassadorId } : {}) },
    orderBy: { createdAt: "asc" },
  });
}

/** Σ of an ambassador's entries by status. */
export async function sums(shop: string, ambassadorId: string) {
  const entries = await ledger(shop, ambassadorId);
  const out = { pending: 0, approved: 0, paid: 0, void: 0, total: 0 };
  for (const e of entries) {
    out[e.status as keyof typeof out] += Number(e.amountCents);
    if (e.status !== "void") out.total += Number(e.amountCents);
  }
  return out;
}
