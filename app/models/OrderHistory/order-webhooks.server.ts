/**
 * Live updates after the history sync: what each order/refund/customer webhook does to
 * the facts. Deliveries can repeat and arrive out of order; the facts are keyed by
 * Shopify ids and only a newer snapshot replaces an older one, so neither matters.
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import { getProgramSettings } from "../ProgramSettings/ProgramSettings.server";
import { attributeOrders, type AttributionResult } from "../Attribution/Attribution.server";
import {
  parseStoredDiscountCodes,
  orderAttributionHintsFromWebhook,
  customerProfileFromWebhook,
  orderSnapshotFromWebhook,
  recordRefunds,
  refundSnapshotFromWebhook,
  upsertCustomerProfiles,
  upsertOrderSnapshots,
  type CustomerWebhookPayload,
  type OrderWebhookPayload,
  type RefundWebhookPayload,
} from "./OrderHistory.server";

type Db = Prisma.TransactionClient;

// The ids every payload must carry; the converters check the rest (dates, amounts). A
// payload without them cannot be applied (the inbox re-reads the order from Shopify, or
// keeps the delivery with its error) rather than stored under a bogus id.
const shopifyId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]);
const withId = z.object({ id: shopifyId }).passthrough();
const refundIds = z.object({ id: shopifyId, order_id: shopifyId }).passthrough();

/**
 * orders/create, orders/updated, orders/cancelled: the snapshot and what attribution needs.
 * The snapshot's version is the payload's updated_at. An orders/create without it is the
 * order as created, so its created_at (else processed_at) stands in: any later change of
 * the order carries a later updated_at and wins over it.
 */
export const parseOrderWebhook = (payload: unknown, topic: string) => {
  const order = withId.parse(payload) as unknown as OrderWebhookPayload;
  const version = order.updated_at ?? (topic === "ORDERS_CREATE" ? (order.created_at ?? order.processed_at) : undefined);
  if (!version) throw new Error("The order has no updated_at: which version it is cannot be told");
  const versioned = { ...order, updated_at: version };
  return { snapshot: orderSnapshotFromWebhook(versioned), hints: orderAttributionHintsFromWebhook(versioned) };
};

export type ParsedOrderWebhook = ReturnType<typeof parseOrderWebhook>;

/**
 * The facts of many order deliveries at once (the inbox's batch): one set-based upsert
 * and one recompute of the customers they touch. Attribute them afterwards, in the same
 * transaction (attributeOrderWebhooks).
 */
export async function storeOrderWebhooks(tx: Db, shop: string, orders: ParsedOrderWebhook[]) {
  await upsertOrderSnapshots(shop, orders.map((order) => order.snapshot), tx);
}

/** The reward ledger's cause of an order delivery: the order's version. */
function orderCause(snapshot: ParsedOrderWebhook["snapshot"]): string {
  return `order:${snapshot.orderId}:${snapshot.sourceUpdatedAt.getTime()}`;
}

/**
 * Attribution for many order deliveries (the inbox's batch), with the same end state and
 * the same reward ledger entries as one delivery at a time (each delivery's own cause). Most orders use
 * no program code and were never attributed: for them attributeOrders only re-checks the
 * buyers' other attributed orders and never calls the ledger, so the cause is unused and
 * they go through ONE call. The rest go in rounds, one call each: a round holds at most
 * one delivery per order and per ambassador, so each ambassador's orders still reach the
 * ledger one after another, as one by one (an order that crosses a tier threshold earns
 * the old rate, the next one the new), while different ambassadors share the calls.
 */
export async function attributeOrderWebhooks(
  tx: Db,
  shop: string,
  orders: ParsedOrderWebhook[],
): Promise<AttributionResult[]> {
  if (orders.length === 0) return [];
  const ids = [...new Set(orders.map((order) => order.snapshot.orderId))];
  // As stored now (a newer snapshot may have won over the delivery's): the codes they use…
  const facts = await tx.orderFact.findMany({
    where: { shop, orderId: { in: ids } },
    select: { orderId: true, discountCodes: true },
  });
  const codesOf = new Map(facts.map((fact) => [fact.orderId, parseStoredDiscountCodes(fact.discountCodes)]));
  const usedCodes = [...new Set([...codesOf.values()].flat())];
  // …which of them are program codes in any state (a superset of what attributeOrders matches)…
  const ambassadorOfCode = new Map(
    (
      await tx.ambassadorCode.findMany({
        where: { shop, code: { in: usedCodes } },
        select: { code: true, ambassadorId: true },
      })
    ).map((row) => [row.code, row.ambassadorId]),
  );
  // …and which orders are attributed already (to whom).
  const attributedTo = new Map(
    (
      await tx.attributedOrder.findMany({
        where: { shop, orderId: { in: ids } },
        select: { orderId: true, ambassadorId: true },
      })
    ).map((row) => [row.orderId, row.ambassadorId]),
  );
  const ambassadorsOf = (orderId: string) => {
    const found = new Set((codesOf.get(orderId) ?? []).flatMap((code) => ambassadorOfCode.get(code) ?? []));
    const held = attributedTo.get(orderId);
    if (held) found.add(held);
    return found;
  };

  const results: AttributionResult[] = [];
  const quietOrders = orders.filter((order) => ambassadorsOf(order.snapshot.orderId).size === 0);
  if (quietOrders.length > 0) {
    const result = await attributeOrders(tx, shop, quietOrders.map((order) => order.snapshot.orderId), "quiet orders: no ledger call", {
      hints: new Map(quietOrders.map((order) => [order.snapshot.orderId, order.hints])),
    });
    results.push(result);
  }

  const rounds: number[][] = [];
  const nextRound = new Map<string, number>();
  for (const [index, order] of orders.entries()) {
    const ambassadors = ambassadorsOf(order.snapshot.orderId);
    if (ambassadors.size === 0) continue;
    const keys = [`order ${order.snapshot.orderId}`, ...[...ambassadors].map((id) => `ambassador ${id}`)];
    const round = Math.max(...keys.map((key) => nextRound.get(key) ?? 0));
    for (const key of keys) nextRound.set(key, round + 1);
    (rounds[round] ??= []).push(index);
  }
  for (const round of rounds) {
    const members = round.map((index) => orders[index]);
    results.push(
      await attributeOrders(
        tx,
        shop,
        members.map((order) => order.snapshot.orderId),
        new Map(members.map((order) => [order.snapshot.orderId, orderCause(order.snapshot)])),
        { hints: new Map(members.map((order) => [order.snapshot.orderId, order.hints])) },
      ),
    );
  }
  return results;
}

/** refunds/create. */
export const parseRefundWebhook = (payload: unknown) =>
  refundIds.parse(payload) as unknown as RefundWebhookPayload;

export async function applyRefundWebhook(
  tx: Db,
  shop: string,
  payload: RefundWebhookPayload,
): Promise<AttributionResult> {
  const { currencyCode } = await getProgramSettings(shop, tx);
  const refund = refundSnapshotFromWebhook(payload, currencyCode);
  // Not expressible in shop money: the orders/updated for this refund carries the amount.
  if (!refund) return { changes: [], ambassadorsToPause: [], tierTagChanges: [] };
  await recordRefunds(shop, [refund], tx);
  return attributeOrders(tx, shop, [refund.orderId], `refund:${refund.refundId}`);
}

/** customers/update. */
export const parseCustomerWebhook = (payload: unknown) =>
  customerProfileFromWebhook(withId.parse(payload) as unknown as CustomerWebhookPayload);

export async function applyCustomerWebhook(
  tx: Db,
  shop: string,
  profile: ReturnType<typeof parseCustomerWebhook>,
) {
  await upsertCustomerProfiles(shop, [profile], tx);
}
