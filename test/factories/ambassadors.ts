/**
 * Ambassador candidates as a history sync leaves them: CustomerStats rows for customers of
 * the local shop (same ids, names and emails), so approval has someone to approve.
 */
import prisma from "~/db.server";
import type { CustomerRecord } from "#/local-shop";

export async function storeCandidates(
  shop: string,
  customers: Array<Pick<CustomerRecord, "legacyResourceId" | "firstName" | "lastName" | "email">>,
  stats: { orderCount?: number; netSpentCents?: number; lastOrderAt?: Date } = {},
) {
  await prisma.customerStats.createMany({
    data: customers.map((customer) => ({
      shop,
      customerId: customer.legacyResourceId,
      displayName: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || null,
      email: customer.email,
      orderCount: stats.orderCount ?? 3,
      netSpentCents: BigInt(stats.netSpentCents ?? 15_000),
      firstOrderAt: new Date(Date.now() - 200 * 86_400_000),
      lastOrderAt: stats.lastOrderAt ?? new Date(Date.now() - 10 * 86_400_000),
    })),
  });
}
