/** The rows of the ambassadors and payouts CSV exports, paged by id, every query shop-scoped. */
import prisma from "../../db.server";
import type { CsvCell } from "./csv";
import { decimalAmount, rewardBalances } from "./Payouts.server";
import { earningTotals } from "./tiers.server";

const PAGE = 500;

export const AMBASSADOR_COLUMNS = [
  "Ambassador id", "First name", "Last name", "Email", "Code", "Status", "Tier",
  "Attributed orders", "Attributed net sales", "Pending rewards", "Approved rewards", "In payout", "Paid rewards", "Currency",
];

export async function* ambassadorRows(shop: string, currencyCode: string | null): AsyncGenerator<CsvCell[][]> {
  const money = (cents: number) => ({ number: decimalAmount(cents, currencyCode) });
  const tiers = new Map((await prisma.rewardTier.findMany({ where: { shop }, select: { id: true, name: true } })).map((t) => [t.id, t.name]));
  let after: string | undefined;
  for (;;) {
    const page = await prisma.ambassador.findMany({
      where: { shop, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: PAGE,
    });
    if (page.length === 0) return;
    after = page.at(-1)!.id;
    const ids = page.map((a) => a.id);
    const [balances, totals, standings] = await Promise.all([
      rewardBalances(shop, ids),
      prisma.$transaction((tx) => earningTotals(tx, shop, ids)),
      prisma.ambassadorTier.findMany({ where: { shop, ambassadorId: { in: ids } } }),
    ]);
    const tierOf = new Map(standings.map((s) => [s.ambassadorId, s.tierId ? (tiers.get(s.tierId) ?? "") : ""]));
    yield page.map((a) => {
      const b = balances.get(a.id);
      const t = totals.get(a.id);
      return [
        a.id, a.firstName, a.lastName, a.email, a.code, a.status, tierOf.get(a.id) ?? "",
        t?.orders ?? 0, money(t?.salesCents ?? 0),
        money(b?.pendingCents ?? 0), money(b?.approvedCents ?? 0), money(b?.inPayoutCents ?? 0), money(b?.paidCents ?? 0),
        currencyCode ?? "",
      ];
    });
    if (page.length < PAGE) return;
  }
}

export const PAYOUT_COLUMNS = [
  "Payout id", "Created at", "Ambassador id", "Ambassador", "Email", "Amount", "Currency", "Method", "Status",
  "Reference", "Shopify reference", "Paid at", "Error",
];

export async function* payoutRows(shop: string, currencyCode: string | null): AsyncGenerator<CsvCell[][]> {
  let after: string | undefined;
  for (;;) {
    const page = await prisma.payout.findMany({
      where: { shop, ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: "asc" },
      take: PAGE,
    });
    if (page.length === 0) return;
    after = page.at(-1)!.id;
    const people = new Map(
      (
        await prisma.ambassador.findMany({
          where: { shop, id: { in: [...new Set(page.map((p) => p.ambassadorId))] } },
          select: { id: true, firstName: true, lastName: true, email: true },
        })
      ).map((a) => [a.id, a])
    );
    yield page.map((p) => {
      const a = people.get(p.ambassadorId);
      return [
        p.id, p.createdAt.toISOString(), p.ambassadorId, [a?.firstName, a?.lastName].filter(Boolean).join(" "), a?.email,
        { number: decimalAmount(Number(p.amountCents), currencyCode) }, currencyCode ?? "", p.method, p.status,
        p.reference, p.shopifyReference, p.paidAt?.toISOString() ?? "", p.error,
      ];
    });
    if (page.length < PAGE) return;
  }
}
