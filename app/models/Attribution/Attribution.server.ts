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
 * Runs inside the caller's transaction (a webhook's `handleOnce`, a reconciliation step):
 * every read and write goes through `tx`, nothing here calls Shopify.
 */
import type { AttributedOrder, OrderFact, Prisma } from "@prisma/client";
import { anyRowWhereIn, insertRows, rowsWhereIn } from "../../utils/raw-rows.server";
import { jsonTextElements, positional } from "../../utils/sql-dialect.server";
import { parseStoredDiscountCodes } from "../OrderHistory/OrderHistory.server";
import type { OrderAttributionHints } from "../OrderHistory/snapshots";
import { detectLeaks, flagSelfReferral, type LeakCheck } from "../Fraud/Fraud.server";
import { applyAttributionChange, type RewardChange } from "../Rewards/Rewards.server";

type Db = Prisma.TransactionClient;

/**
 * What the reward ledger does after attribution changed: `applyAttributionChange` of
 * app/models/Rewards/Rewards.server.ts. It returns what must happen in Shopify afterwards
 * (tier tags), which the caller enqueues once its transaction committed.
 */
export type RewardsHook = (
  tx: Db,
  shop: string,
  orderIds: string[],
  cause: string,
) => Promise<Pick<RewardChange, "tierTagChanges"> | void>;

let defaultRewardsHook: RewardsHook = applyAttributionChange;

/** Replaces the reward ledger's hook (tests watch the calls with it). Returns the previous one. */
export function setRewardsHook(hook: RewardsHook): RewardsHook {
  const previous = defaultRewardsHook;
  defaultRewardsHook = hook;
  return previous;
}

export interface AttributeOptions {
  /** What the orders' webhook payloads said (per order id): discount per code, buyer email. */
  hints?: ReadonlyMap<string, OrderAttributionHints>;
  /**
   * A discount amount from a source that cannot tell codes apart (the Admin API's
   * totalDiscountsSet, used by reconciliation): only used when nothing better is stored.
   */
  estimatedDiscountCents?: ReadonlyMap<string, number>;
  /** Replaces the reward ledger's hook for this call. */
  applyRewards?: RewardsHook;
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
  // Raw, as rowsWhereIn (why there): the sums of a batch's orders in one statement.
  const rows = await tx.$queryRawUnsafe<{ orderId: string; amount: bigint | number | null }[]>(
    positional(
      `SELECT r."orderId" AS "orderId", SUM(r."amountCents") AS amount FROM "RefundFact" r
       WHERE r."shop" = ? AND r."orderId" IN (SELECT l.value FROM ${jsonTextElements("l")}) GROUP BY r."orderId"`,
    ),
    shop,
    JSON.stringify(orderIds),
  );
  // SUM is an integer on SQLite and a numeric on PostgreSQL (Prisma: a Decimal).
  return new Map(rows.map((r) => [r.orderId, Number(r.amount ?? 0)]));
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
  const facts = await rowsWhereIn<Fact>(tx, {
    table: "OrderFact",
    columns: ["orderId", "customerId", "processedAt", "totalCents", "refundedCents", "cancelledAt", "test"],
    shop,
    column: "customerId",
    values: customerIds,
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

  const facts = await rowsWhereIn<OrderFact>(tx, { table: "OrderFact", shop, column: "orderId", values: ids });
  const existing = new Map(
    (
      await rowsWhereIn<AttributedOrder>(tx, { table: "AttributedOrder", shop, column: "orderId", values: ids })
    ).map((row) => [row.orderId, row]),
  );
  const refunds = await refundSums(tx, shop, ids);

  const usedCodes = [...new Set(facts.flatMap((f) => parseStoredDiscountCodes(f.discountCodes)))];
  const codeRows = (
    await rowsWhereIn<{ code: string; ambassadorId: string; shopifyState: string }>(tx, {
      table: "AmbassadorCode",
      columns: ["code", "ambassadorId", "shopifyState"],
      shop,
      column: "code",
      values: usedCodes,
    })
  ).filter((row) => row.shopifyState !== "failed");
  const ambassadorByCode = new Map(codeRows.map((c) => [c.code, c.ambassadorId]));
  const buyers = [...new Set(facts.map((f) => f.customerId).filter((id): id is string => id !== null))];

  // Most orders used no program code: then only the buyers' attributed orders (if any)
  // may need their "new customer" flag looked at again.
  if (codeRows.length === 0 && existing.size === 0) {
    const buyerHasAttributed = await anyRowWhereIn(tx, { table: "AttributedOrder", shop, column: "buyerCustomerId", values: buyers });
    if (buyerHasAttributed) {
      await refreshNewCustomerFlags(tx, shop, buyers, new Set(ids), await firstCountingOrders(tx, shop, buyers));
    }
    return { changes: [], ambassadorsToPause: [], tierTagChanges: [] };
  }
  const ambassadors = new Map(
    (
      await rowsWhereIn<{ id: string; customerId: string | null; email: string | null }>(tx, {
        table: "Ambassador",
        columns: ["id", "customerId", "email"],
        shop,
        column: "id",
        values: [...new Set(codeRows.map((c) => c.ambassadorId))],
      })
    ).map((a) => [a.id, a]),
  );

  const firsts = await firstCountingOrders(tx, shop, buyers);
  // The buyer's email as the candidates' records know it, for self-referral when no
  // payload says (reconciliation, a refund).
  const storedEmails = new Map(
    (
      await rowsWhereIn<{ customerId: string; email: string | null }>(tx, {
        table: "CustomerStats",
        columns: ["customerId", "email"],
        shop,
        column: "customerId",
        values: buyers,
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

  await insertRows(tx, "AttributedOrder", created);
  await refreshNewCustomerFlags(tx, shop, buyers, new Set(ids), firsts);
  const ambassadorsToPause = await detectLeaks(tx, shop, [...leakChecks.values()]);

  // The ledger hears about every order that is or was attributed (a removed attribution
  // means its target earning is 0).
  const touched = ids.filter((id) => existing.has(id) || facts.some((f) => f.orderId === id && hasProgramCode(f)));
  const rewards = touched.length > 0 ? await tellLedger(tx, shop, touched, cause, options.applyRewards ?? defaultRewardsHook) : null;

  function hasProgramCode(fact: { discountCodes: string }) {
    return parseStoredDiscountCodes(fact.discountCodes).some((c) => ambassadorByCode.has(c));
  }
  return { changes, ambassadorsToPause, tierTagChanges: rewards?.tierTagChanges ?? [] };
}

/**
 * The ledger itself takes each order's cause in one call; another hook (tests) is called
 * once per cause, as if the orders had come one delivery at a time.
 */
async function tellLedger(
  tx: Db,
  shop: string,
  orderIds: string[],
  cause: string | ReadonlyMap<string, string>,
  hook: RewardsHook,
): Promise<Pick<RewardChange, "tierTagChanges">> {
  if (typeof cause === "string") return (await hook(tx, shop, orderIds, cause)) ?? { tierTagChanges: [] };
  const causeOf = (orderId: string) => {
    const known = cause.get(orderId);
    if (known === undefined) throw new Error(`No cause given for order ${orderId}`);
    return known;
  };
  if (hook === applyAttributionChange) return applyAttributionChange(tx, shop, orderIds, causeOf);
  const byCause = new Map<string, string[]>();
  for (const orderId of orderIds) {
    const ids = byCause.get(causeOf(orderId));
    if (ids) ids.push(orderId);
    else byCause.set(causeOf(orderId), [orderId]);
  }
  const tierTagChanges = new Set<string>();
  for (const [orderCause, ids] of byCause) {
    for (const id of (await hook(tx, shop, ids, orderCause))?.tierTagChanges ?? []) tierTagChanges.add(id);
  }
  return { tierTagChanges: [...tierTagChanges] };
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
  const others = await rowsWhereIn<Pick<AttributedOrder, "orderId" | "buyerCustomerId" | "processedAt" | "newCustomer">>(tx, {
    table: "AttributedOrder",
    columns: ["orderId", "buyerCustomerId", "processedAt", "newCustomer"],
    shop,
    column: "buyerCustomerId",
    values: buyers,
    notIn: { column: "orderId", values: [...skip] },
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
