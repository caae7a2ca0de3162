/**
 * Payouts: approved reward balances paid out as cash (the merchant pays and marks the
 * payout paid with a reference), a reward discount code for the ambassador's own purchases,
 * or Shopify store credit.
 *
 * Ledger states: an approved entry joins a payout (payoutId set, still "approved"), becomes
 * "paid" with it, or is released again (payoutId null) when the payout fails. No separate
 * "payout" ledger entry is written: balance = Σ approved entries not in a payout; paid =
 * Σ paid entries (RewardBalance keeps these sums per ambassador).
 *
 * Each Shopify-backed payout is idempotent across crashes:
 * - reward code: the code's text is derived from the payout id (`rewardCodeFor`), so a
 *   retry first looks it up with `codeDiscountNodeByCode` and adopts it instead of
 *   creating a second;
 * - store credit: the payout is marked "sending" (with the time) before the call; a retry
 *   of a "sending" payout reads the customer's store credit transactions and adopts a
 *   credit of exactly that amount made since then that no other payout claims. Window left
 *   open: if someone else credits the very same amount to that customer between our
 *   crash and the retry, we adopt theirs and the ambassador is under-paid (never paid
 *   twice); the payout keeps the adopted transaction id for the merchant to check.
 */
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { adminQuery } from "../../utils/admin-graphql.server";
import { RewardCodeCreateMutation } from "../../graphql/RewardCodeCreateMutation";
import { RewardCodeLookupQuery } from "../../graphql/RewardCodeLookupQuery";
import { StoreCreditCreditMutation } from "../../graphql/StoreCreditCreditMutation";
import { StoreCreditTransactionsQuery } from "../../graphql/StoreCreditTransactionsQuery";
import { ShopCurrencyQuery } from "../../graphql/ShopCurrencyQuery";
import { describeUserErrors, type ShopifyUserError } from "../AmbassadorProgram/user-errors";
import { currencyExponent } from "../OrderHistory/money";
import { type PayoutMethod } from "./payout-kinds";
import { recordPayoutsSent } from "../ProgramEvents/moments.server";

export { PAYOUT_STATUSES, isPayoutMethod, type PayoutStatus } from "./payout-kinds";

/** The reward code of a payout: derived from its id so a retry finds the same code. */
export function rewardCodeFor(payoutId: string): string {
  return `REWARD-${payoutId.toUpperCase()}`;
}

/** Minor units → the decimal string Shopify's MoneyInput / Decimal wants ("12.50", "1200"). */
export function decimalAmount(minorUnits: number, currencyCode: string | null): string {
  const exponent = currencyExponent(currencyCode);
  const negative = minorUnits < 0;
  const text = String(Math.abs(minorUnits)).padStart(exponent + 1, "0");
  const body = exponent === 0 ? text : `${text.slice(0, -exponent)}.${text.slice(-exponent)}`;
  return negative ? `-${body}` : body;
}

export interface Balance {
  ambassadorId: string;
  pendingCents: number;
  approvedCents: number;
  inPayoutCents: number;
  paidCents: number;
}

/** A RewardBalance row as the pages show it. */
function balanceOf(row: {
  ambassadorId: string;
  pendingCents: bigint;
  approvedCents: bigint;
  inPayoutCents: bigint;
  paidCents: bigint;
}): Balance {
  return {
    ambassadorId: row.ambassadorId,
    pendingCents: Number(row.pendingCents),
    approvedCents: Number(row.approvedCents),
    inPayoutCents: Number(row.inPayoutCents),
    paidCents: Number(row.paidCents),
  };
}

const BALANCE_COLUMNS = {
  ambassadorId: true,
  pendingCents: true,
  approvedCents: true,
  inPayoutCents: true,
  paidCents: true,
} as const;

/**
 * Per-ambassador balances (only ambassadors with an entry pending, approved or paid),
 * shop-scoped: RewardBalance, kept with every ledger write.
 */
export async function rewardBalances(shop: string, ambassadorIds?: string[]): Promise<Map<string, Balance>> {
  const rows = await prisma.rewardBalance.findMany({
    where: { shop, ...(ambassadorIds ? { ambassadorId: { in: ambassadorIds } } : {}) },
    select: BALANCE_COLUMNS,
  });
  return new Map(rows.map((row) => [row.ambassadorId, balanceOf(row)]));
}

export const BALANCES_PAGE_SIZE = 50;

export interface BalancePage {
  rows: Balance[];
  /** 1-based; past the last page reads as the last page. */
  page: number;
  pageCount: number;
  /** Ambassadors with a balance (any entry pending, approved or paid). */
  total: number;
}

/**
 * One page of balances, largest approved (what can be paid now) first, then pending, for
 * the Rewards page; the same figures as `rewardBalances`. Reads RewardBalance (one row per
 * ambassador, in the order of its index), never the ledger.
 */
export async function rewardBalancePage(
  shop: string,
  { page = 1, pageSize = BALANCES_PAGE_SIZE }: { page?: number; pageSize?: number } = {}
): Promise<BalancePage> {
  const count = await prisma.rewardBalance.count({ where: { shop } });
  const pageCount = Math.max(1, Math.ceil(count / pageSize));
  const current = Math.min(Math.max(1, Math.floor(page)), pageCount);
  const rows = await prisma.rewardBalance.findMany({
    where: { shop },
    orderBy: [{ approvedCents: "desc" }, { pendingCents: "desc" }, { ambassadorId: "asc" }],
    skip: (current - 1) * pageSize,
    take: pageSize,
    select: BALANCE_COLUMNS,
  });
  return { rows: rows.map(balanceOf), page: current, pageCount, total: count };
}

export interface CreatePayoutsResult {
  created: Array<{ id: string; ambassadorId: string; amountCents: number; method: PayoutMethod }>;
  /** Ambassadors whose approved balance is zero or negative: carried over. */
  carriedOver: number;
}

/**
 * One payout per ambassador with a positive approved balance (all their approved entries
 * not yet in a payout, negatives netted). Zero and negative balances carry over.
 */
export async function createPayouts(
  shop: string,
  { method, ambassadorIds }: { method: PayoutMethod; ambassadorIds?: string[] }
): Promise<CreatePayoutsResult> {
  return prisma.$transaction(async (tx) => {
    const groups = await tx.rewardEntry.groupBy({
      by: ["ambassadorId"],
      where: {
        shop,
        status: "approved",
        payoutId: null,
        ...(ambassadorIds ? { ambassadorId: { in: ambassadorIds } } : {}),
      },
      _sum: { amountCents: true },
    });
    const result: CreatePayoutsResult = { created: [], carriedOver: 0 };
    for (const group of groups) {
      const amount = Number(group._sum.amountCents ?? 0n);
      if (amount <= 0) {
        result.carriedOver++;
        continue;
      }
      const payout = await tx.payout.create({
        data: { shop, ambassadorId: group.ambassadorId, amountCents: BigInt(amount), method },
      });
      await tx.rewardEntry.updateMany({
        where: { shop, ambassadorId: group.ambassadorId, status: "approved", payoutId: null },
        data: { payoutId: payout.id },
      });
      result.created.push({ id: payout.id, ambassadorId: group.ambassadorId, amountCents: amount, method });
    }
    return result;
  });
}

export type FieldErrors = Record<string, string>;

/** Cash payouts the merchant paid: status paid with their reference; entries paid. */
export async function markPayoutsPaid(
  shop: string,
  payoutIds: string[],
  reference: string,
  now: Date = new Date()
): Promise<{ ok: true; paid: number } | { ok: false; errors: FieldErrors }> {
  const text = reference.trim();
  if (!text) return { ok: false, errors: { reference: "Enter the payment reference (bank transfer or PayPal id)" } };
  if (text.length > 255) return { ok: false, errors: { reference: "Reference must be 255 characters or fewer" } };
  if (payoutIds.length === 0) return { ok: false, errors: { payoutIds: "Select the payouts you paid" } };
  const paid = await prisma.$transaction(async (tx) => {
    const payouts = await tx.payout.findMany({
      where: { shop, id: { in: payoutIds }, method: "cash", status: { in: ["pending", "failed"] } },
      select: { id: true },
    });
    const ids = payouts.map((p) => p.id);
    if (ids.length === 0) return 0;
    await tx.payout.updateMany({
      where: { shop, id: { in: ids } },
      data: { status: "paid", reference: text, paidAt: now, error: null },
    });
    await tx.rewardEntry.updateMany({ where: { shop, payoutId: { in: ids } }, data: { status: "paid" } });
    await recordPayoutsSent(tx, shop, ids);
    return ids.length;
  });
  if (paid === 0) return { ok: false, errors: { payoutIds: "None of the selected payouts is an unpaid cash payout" } };
  return { ok: true, paid };
}

async function markPaid(shop: string, payoutId: string, shopifyReference: string, now = new Date()) {
  await prisma.$transaction(async (tx) => {
    await tx.payout.update({
      where: { id: payoutId },
      data: { status: "paid", shopifyReference, paidAt: now, error: null },
    });
    await tx.rewardEntry.updateMany({ where: { shop, payoutId }, data: { status: "paid" } });
    await recordPayoutsSent(tx, shop, [payoutId]);
  });
}

/** Shopify refused: the payout fails with the reason; its entries are released for another payout. */
async function markFailed(shop: string, payoutId: string, message: string) {
  await prisma.$transaction([
    prisma.payout.update({ where: { id: payoutId }, data: { status: "failed", error: message, shopifyReference: null } }),
    prisma.rewardEntry.updateMany({ where: { shop, payoutId, status: "approved" }, data: { payoutId: null } }),
  ]);
}

async function shopCurrency(graphql: AdminGraphqlClient, shop: string): Promise<string> {
  const settings = await prisma.programSettings.findUnique({ where: { shop }, select: { currencyCode: true } });
  if (settings?.currencyCode) return settings.currencyCode;
  const data = await adminQuery(graphql, ShopCurrencyQuery);
  return data.shop.currencyCode;
}

export interface SendReport {
  paid: number;
  failed: number;
}

/** Payouts of the shop that Shopify must carry out (reward code, store credit). */
export function payoutsToSend(shop: string) {
  return prisma.payout.findMany({
    where: { shop, method: { in: ["discount_code", "store_credit"] }, status: { in: ["pending", "sending"] } },
    orderBy: { createdAt: "asc" },
  });
}

/** Sends every pending reward code / store credit payout of the shop. Safe to re-run. */
export async function sendPayouts(graphql: AdminGraphqlClient, shop: string): Promise<SendReport> {
  const report: SendReport = { paid: 0, failed: 0 };
  for (const payout of await payoutsToSend(shop)) {
    const ok = await sendPayout(graphql, shop, payout.id);
    if (ok) report.paid++;
    else report.failed++;
  }
  return report;
}

export async function sendPayout(graphql: AdminGraphqlClient, shop: string, payoutId: string): Promise<boolean> {
  const payout = await prisma.payout.findFirst({ where: { shop, id: payoutId } });
  if (!payout || payout.status === "paid" || payout.status === "failed") return payout?.status === "paid";
  const ambassador = await prisma.ambassador.findFirst({
    where: { shop, id: payout.ambassadorId },
    select: { customerId: true },
  });
  if (!ambassador?.customerId) {
    await markFailed(shop, payout.id, "This ambassador is not linked to a Shopify customer.");
    return false;
  }
  const customerGid = `gid://shopify/Customer/${ambassador.customerId}`;
  const currencyCode = await shopCurrency(graphql, shop);
  const amount = decimalAmount(Number(payout.amountCents), currencyCode);

  if (payout.method === "discount_code") {
    const code = rewardCodeFor(payout.id);
    const existing = await adminQuery(graphql, RewardCodeLookupQuery, { code });
    if (existing.codeDiscountNodeByCode) {
      await markPaid(shop, payout.id, code);
      return true;
    }
    const data = await adminQuery(graphql, RewardCodeCreateMutation, {
      discount: {
        title: `Ambassador reward ${code}`,
        code,
        startsAt: new Date().toISOString(),
        context: { customers: { add: [customerGid] } },
        customerGets: { value: { discountAmount: { amount, appliesOnEachItem: false } }, items: { all: true } },
        usageLimit: 1,
        appliesOncePerCustomer: true,
      },
    });
    const errors = (data.discountCodeBasicCreate?.userErrors ?? []) as ShopifyUserError[];
    if (errors.length > 0 || !data.discountCodeBasicCreate?.codeDiscountNode) {
      // "Code must be unique": an earlier attempt (or a client retry) created it after all.
      if ((await adminQuery(graphql, RewardCodeLookupQuery, { code })).codeDiscountNodeByCode) {
        await markPaid(shop, payout.id, code);
        return true;
      }
      await markFailed(shop, payout.id, `Shopify refused the reward code: ${describeUserErrors(errors).join(" ")}`.trim());
      return false;
    }
    await markPaid(shop, payout.id, code);
    return true;
  }

  if (payout.method === "store_credit") {
    if (payout.status === "sending") {
      const adopted = await findSentCredit(graphql, shop, payout.id, customerGid, currencyCode, Number(payout.amountCents), payout.sendingAt);
      if (adopted) {
        await markPaid(shop, payout.id, adopted);
        return true;
      }
    }
    await prisma.payout.update({
      where: { id: payout.id },
      data: { status: "sending", sendingAt: new Date() },
    });
    const data = await adminQuery(graphql, StoreCreditCreditMutation, {
      id: customerGid,
      creditInput: { creditAmount: { amount, currencyCode: currencyCode as never }, notify: true },
    });
    const result = data.storeCreditAccountCredit;
    const errors = (result?.userErrors ?? []) as ShopifyUserError[];
    const transactionId = result?.storeCreditAccountTransaction && "id" in result.storeCreditAccountTransaction
      ? result.storeCreditAccountTransaction.id
      : null;
    if (errors.length > 0 || !transactionId) {
      await markFailed(shop, payout.id, `Shopify refused the store credit: ${describeUserErrors(errors).join(" ")}`.trim());
      return false;
    }
    await markPaid(shop, payout.id, transactionId);
    return true;
  }
  return false;
}

/** A store credit a crashed attempt made: same amount, since the attempt began, unclaimed. */
async function findSentCredit(
  graphql: AdminGraphqlClient,
  shop: string,
  payoutId: string,
  customerGid: string,
  currencyCode: string,
  amountCents: number,
  sendingAt: Date | null
): Promise<string | null> {
  const since = sendingAt?.getTime() ?? 0;
  const data = await adminQuery(graphql, StoreCreditTransactionsQuery, {
    customerId: customerGid,
    accountQuery: `currency_code:${currencyCode}`,
  });
  const wanted = decimalAmount(amountCents, currencyCode);
  const candidates: string[] = [];
  for (const account of data.customer?.storeCreditAccounts.nodes ?? []) {
    for (const transaction of account.transactions.nodes) {
      if (transaction.__typename !== "StoreCreditAccountCreditTransaction" || !("id" in transaction)) continue;
      // Shopify prints decimals its own way ("12.5"): compare numerically.
      if (Number(transaction.amount.amount) !== Number(wanted)) continue;
      // A few seconds of slack for clocks.
      if (Date.parse(transaction.createdAt as string) < since - 5_000) continue;
      candidates.push(transaction.id);
    }
  }
  if (candidates.length === 0) return null;
  const claimed = await prisma.payout.findMany({
    where: { shop, shopifyReference: { in: candidates }, id: { not: payoutId } },
    select: { shopifyReference: true },
  });
  const taken = new Set(claimed.map((c) => c.shopifyReference));
  return candidates.find((id) => !taken.has(id)) ?? null;
}

export interface PayoutFilters {
  status?: string;
  method?: string;
  ambassadorId?: string;
  from?: Date;
  to?: Date;
}

/** The payout ledger, newest first, shop-scoped, keyset-paged on (createdAt, id). */
export async function listPayouts(
  shop: string,
  filters: PayoutFilters,
  { take = 50, before }: { take?: number; before?: { createdAt: Date; id: string } } = {}
) {
  const rows = await prisma.payout.findMany({
    where: {
      shop,
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.method ? { method: filters.method } : {}),
      ...(filters.ambassadorId ? { ambassadorId: filters.ambassadorId } : {}),
      ...(filters.from || filters.to ? { createdAt: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lt: filters.to } : {}) } } : {}),
      ...(before
        ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: take + 1,
  });
  return { rows: rows.slice(0, take), hasMore: rows.length > take };
}
