/**
 * Attribution: which orders an ambassador brought, derived from the order facts.
 *
 * An order is attributed to the ambassador whose code it used (OrderFact.discountCodes,
 * upper case, against every code the shop's ambassadors ever held, retired ones included;
 * codes are never reused, so an old order's code always names its ambassador). The
 * AttributedOrder row is recomputed from the facts each time the order changes, so
 * duplicate and reordered deliveries leave the same row. What the order earns is the
 * reward ledger's business (app/models/Rewards): it is told after each change.
 *
 * Runs inside the caller's transaction (a webhook delivery's batch, a reconciliation
 * step): every read and write goes through `tx`, nothing here calls Shopify.
 */
import type { Prisma } from "@prisma/client";
import { parseStoredDiscountCodes } from "../OrderHistory/OrderHistory.server";
import type { OrderAttributionHints } from "../OrderHistory/snapshots";
import { detectLeaks, flagSelfReferral, type LeakCheck } from "../Fraud/Fraud.server";
import { applyAttributionChange } from "../Rewards/Rewards.server";
import { recordFirstOrders } from "../ProgramEvents/moments.server";

type Db = Prisma.TransactionClient;

export interface AttributeOptions {
  /** What the orders' webhook payloads said (per order id): discount per code, buyer email. */
  hints?: ReadonlyMap<string, OrderAttributionHints>;
  /**
   * A discount amount from a source that cannot tell codes apart (the Admin API's
   * totalDiscountsSet, used by reconciliation): only used when nothing better is stored.
   */
  estimatedDiscountCents?: ReadonlyMap<string, number>;
}

/** An attributed order as it was before and is after a call, in plain numbers. */
export interface AttributedOrderState {
  ambassadorId: string;
  code: string;
  netCents: number;
  cancelled: boolean;
  selfReferral: boolean;
  newCustomer: boolean;
}

export interface AttributionChange {
  orderId: string;
  before: AttributedOrderState | null;
  after: AttributedOrderState | null;
}

export interface AttributionResult {
  /** Orders whose attribution was created, changed (net, cancellation, ambassador) or removed. */
  changes: AttributionChange[];
  /** Ambassadors to pause: a new leak flag on their code with RewardSettings.leakAutoPause. */
  ambassadorsToPause: string[];
  /** From the reward ledger: ambassadors whose tier tag must change in Shopify. */
  tierTagChanges: string[];
}

interface Fact {
  orderId: string;
  customerId: string | null;
  processedAt: Date;
  totalCents: bigint;
  refundedCents: bigint;
  cancelledAt: Date | null;
  test: boolean;
}

/** Sum of refunds/create amounts per order. */
async function refundSums(tx: Db, shop: string, orderIds: string[]): Promise<Map<string, number>> {
  if (orderIds.length === 0) return new Map();
  const rows = await tx.refundFact.groupBy({
    by: ["orderId"],
    where: { shop, orderId: { in: orderIds } },
    _sum: { amountCents: true },
  });
  return new Map(rows.map((r) => [r.orderId, Number(r._sum.amountCents ?? 0)]));
}

/** The refunded amount: the larger of the snapshot's and the refunds seen (see customer-stats). */
function effectiveRefund(fact: Fact, refunds: Map<string, number>): number {
  return Math.max(Number(fact.refundedCents), refunds.get(fact.orderId) ?? 0);
}

/** Net sales now: total − refunds, 0 when cancelled or a test order. */
export function netCentsOf(fact: Fact, refunds: Map<string, number>): number {
  if (fact.cancelledAt || fact.test) return 0;
  return Math.max(0, Number(fact.totalCents) - effectiveRefund(fact, refunds));
}

/** Counts as an order of the customer: not cancelled, not a test, not fully refunded. */
function counts(fact: Fact, refunds: Map<string, number>): boolean {
  return !fact.cancelledAt && !fact.test && effectiveRefund(fact, refunds) < Number(fact.totalCents);
}

/**
 * Per customer: the processedAt of their first counting order, or null (no counting order
 * known). An order is a new customer's when nothing counting was processed before it.
 */
async function firstCountingOrders(tx: Db, shop: string, customerIds: string[]) {
  const firsts = new Map<string, Date | null>();
  if (customerIds.length === 0) return firsts;
  const facts: Fact[] = await tx.orderFact.findMany({
    where: { shop, customerId: { in: customerIds } },
    select: { orderId: true, customerId: true, processedAt: true, totalCents: true, refundedCents: true, cancelledAt: true, test: true },
  });
  const refunds = await refundSums(tx, shop, facts.map((f) => f.orderId));
  for (const customerId of customerIds) firsts.set(customerId, null);
  for (const fact of facts) {
    if (!counts(fact, refunds)) continue;
    const held = firsts.get(fact.customerId as string);
    if (!held || fact.processedAt < held) firsts.set(fact.customerId as string, fact.processedAt);
  }
  return firsts;
}

function isNewCustomer(customerId: string | null, processedAt: Date, firsts: Map<string, Date | null>): boolean {
  if (!customerId) return false; // a guest: no way to tell whether they bought before
  const first = firsts.get(customerId);
  return !first || first >= processedAt;
}

const sameEmail = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

function stateOf(row: {
  ambassadorId: string;
  code: string;
  netCents: bigint;
  cancelledAt: Date | null;
  selfReferral: boolean;
  newCustomer: boolean;
}): AttributedOrderState {
  return {
    ambassadorId: row.ambassadorId,
    code: row.code,
    netCents: Number(row.netCents),
    cancelled: row.cancelledAt !== null,
    selfReferral: row.selfReferral,
    newCustomer: row.newCustomer,
  };
}

/** A change worth reporting and telling the ledger: who, how much, cancelled or not. */
function changed(before: AttributedOrderState | null, after: AttributedOrderState | null): boolean {
  if (!before || !after) return before !== after;
  return (
    before.ambassadorId !== after.ambassadorId ||
    before.code !== after.code ||
    before.netCents !== after.netCents ||
    before.cancelled !== after.cancelled ||
    before.selfReferral !== after.selfReferral
  );
}

/**
 * Re-derives the attribution of `orderIds` from their facts (call after the facts were
 * written, in the same transaction), raises fraud flags, re-evaluates "new customer" on
 * the buyers' other attributed orders (an older order may arrive late), and then tells the
 * reward ledger with `cause` (a stable key of the Shopify event: `order:<id>:<updatedAt
 * ms>`, `refund:<refundId>`, `reconcile:<runId>:<orderId>`).
 *
 * Idempotent and independent of delivery order: the row is a function of the facts, plus
 * two things only a payload knows, kept once learnt: the discount amount per code and a
 * self-referral seen through the buyer's email (the email itself is never stored here).
 */
export async function attributeOrders(
  tx: Db,
  shop: string,
  orderIds: string[],
  /** One cause for all the orders, or each order's own (several deliveries at once). */
  cause: string | ReadonlyMap<string, string>,
  options: AttributeOptions = {},
): Promise<AttributionResult> {
  const ids = [...new Set(orderIds)];
  if (ids.length === 0) return { changes: [], ambassadorsToPause: [], tierTagChanges: [] };

  const facts = await tx.orderFact.findMany({ where: { shop, orderId: { in: ids } } });
  const existing = new Map(
    (await tx.attributedOrder.findMany({ where: { shop, orderId: { in: ids } } })).map((row) => [row.orderId, row]),
  );
  const refunds = await refundSums(tx, shop, ids);

  const usedCodes = [...new Set(facts.flatMap((f) => parseStoredDiscountCodes(f.discountCodes)))];
  const codeRows = await tx.ambassadorCode.findMany({
    where: { shop, code: { in: usedCodes }, shopifyState: { not: "failed" } },
    select: { code: true, ambassadorId: true },
  });
  const ambassadorByCode = new Map(codeRows.map((c) => [c.code, c.ambassadorId]));
  const buyers = [...new Set(facts.map((f) => f.customerId).filter((id): id is string => id !== null))];

  // Most orders used no program code: then only the buyers' attributed orders (if any)
  // may need their "new customer" flag looked at again.
  if (codeRows.length === 0 && existing.size === 0) {
    const buyerHasAttributed = await tx.attributedOrder.findFirst({
      where: { shop, buyerCustomerId: { in: buyers } },
      select: { orderId: true },
    });
    if (buyerHasAttributed) {
      await refreshNewCustomerFlags(tx, shop, buyers, new Set(ids), await firstCountingOrders(tx, shop, buyers));
    }
    return { changes: [], ambassadorsToPause: [], tierTagChanges: [] };
  }
  const ambassadors = new Map(
    (
      await tx.ambassador.findMany({
        where: { shop, id: { in: [...new Set(codeRows.map((c) => c.ambassadorId))] } },
        select: { id: true, customerId: true, email: true },
      })
    ).map((a) => [a.id, a]),
  );

  const firsts = await firstCountingOrders(tx, shop, buyers);
  // The buyer's email as the candidates' records know it, for self-referral when no
  // payload says (reconciliation, a refund).
  const storedEmails = new Map(
    (
      await tx.customerStats.findMany({
        where: { shop, customerId: { in: buyers } },
        select: { customerId: true, email: true },
      })
    ).map((c) => [c.customerId, c.email]),
  );

  const changes: AttributionChange[] = [];
  const leakChecks = new Map<string, LeakCheck>();
  // Orders attributed for the first time: inserted together once the loop has run.
  const created: Prisma.AttributedOrderCreateManyInput[] = [];
  for (const fact of facts) {
    const held = existing.get(fact.orderId) ?? null;
    const before = held ? stateOf(held) : null;
    const code = parseStoredDiscountCodes(fact.discountCodes).find((c) => ambassadorByCode.has(c));
    if (!code) {
      // The order no longer carries a program code (edited in Shopify): not attributed.
      if (held) {
        await tx.attributedOrder.delete({ where: { shop_orderId: { shop, orderId: fact.orderId } } });
        changes.push({ orderId: fact.orderId, before, after: null });
      }
      continue;
    }
    const ambassadorId = ambassadorByCode.get(code) as string;
    const ambassador = ambassadors.get(ambassadorId);
    const hints = options.hints?.get(fact.orderId);
    const sameHolder = held?.ambassadorId === ambassadorId && held.code === code;

    const selfReferral =
      (!!fact.customerId && fact.customerId === ambassador?.customerId) ||
      sameEmail(hints?.buyerEmail, ambassador?.email) ||
      sameEmail(fact.customerId ? storedEmails.get(fact.customerId) : null, ambassador?.email) ||
      (sameHolder && held.selfReferral);
    const payloadDiscount = hints?.discountCodeAmounts[code];
    const discountCents =
      payloadDiscount ??
      (sameHolder && held.discountCents > 0n
        ? Number(held.discountCents)
        : (options.estimatedDiscountCents?.get(fact.orderId) ?? 0));

    const data = {
      ambassadorId,
      code,
      buyerCustomerId: fact.customerId,
      processedAt: fact.processedAt,
      newCustomer: isNewCustomer(fact.customerId, fact.processedAt, firsts),
      selfReferral,
      discountCents: BigInt(discountCents),
      netCents: BigInt(netCentsOf(fact, refunds)),
      cancelledAt: fact.cancelledAt,
    };
    if (held) {
      await tx.attributedOrder.update({ where: { shop_orderId: { shop, orderId: fact.orderId } }, data });
    } else created.push({ shop, orderId: fact.orderId, ...data });
    const after = stateOf(data);
    if (changed(before, after)) changes.push({ orderId: fact.orderId, before, after });

    if (selfReferral) {
      await flagSelfReferral(tx, shop, { orderId: fact.orderId, ambassadorId, code, orderName: hints?.orderName });
    } else if (data.newCustomer) {
      const check = leakChecks.get(code);
      if (!check || check.at < fact.processedAt) leakChecks.set(code, { code, ambassadorId, at: fact.processedAt });
    }
  }

  if (created.length > 0) await tx.attributedOrder.createMany({ data: created });
  if (created.length > 0) await recordFirstOrders(tx, shop, created);
  await refreshNewCustomerFlags(tx, shop, buyers, new Set(ids), firsts);
  const ambassadorsToPause = await detectLeaks(tx, shop, [...leakChecks.values()]);

  // The ledger hears about every order that is or was attributed (a removed attribution
  // means its target earning is 0).
  const touched = ids.filter((id) => existing.has(id) || facts.some((f) => f.orderId === id && hasProgramCode(f)));
  const rewards = touched.length > 0 ? await applyAttributionChange(tx, shop, touched, causeFunction(cause)) : null;

  function hasProgramCode(fact: { discountCodes: string }) {
    return parseStoredDiscountCodes(fact.discountCodes).some((c) => ambassadorByCode.has(c));
  }
  return { changes, ambassadorsToPause, tierTagChanges: rewards?.tierTagChanges ?? [] };
}

/** Each order's cause, for the ledger (which takes one per order). */
function causeFunction(cause: string | ReadonlyMap<string, string>): string | ((orderId: string) => string) {
  if (typeof cause === "string") return cause;
  return (orderId) => {
    const known = cause.get(orderId);
    if (known === undefined) throw new Error(`No cause given for order ${orderId}`);
    return known;
  };
}

/**
 * The buyers' other attributed orders: whether each was a new customer's depends on their
 * earlier orders, which may have arrived (or been cancelled) only now.
 */
async function refreshNewCustomerFlags(
  tx: Db,
  shop: string,
  buyers: string[],
  skip: Set<string>,
  firsts: Map<string, Date | null>,
) {
  if (buyers.length === 0) return;
  const others = await tx.attributedOrder.findMany({
    where: { shop, buyerCustomerId: { in: buyers }, orderId: { notIn: [...skip] } },
    select: { orderId: true, buyerCustomerId: true, processedAt: true, newCustomer: true },
  });
  for (const row of others) {
    const newCustomer = isNewCustomer(row.buyerCustomerId, row.processedAt, firsts);
    if (newCustomer !== row.newCustomer) {
      await tx.attributedOrder.update({
        where: { shop_orderId: { shop, orderId: row.orderId } },
        data: { newCustomer },
      });
    }
  }
}
