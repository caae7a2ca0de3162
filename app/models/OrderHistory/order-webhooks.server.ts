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
// payload without them is refused (422) rather than stored under a bogus id.
const shopifyId = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]);
const withId = z.object({ id: shopifyId }).passthrough();
const refundIds = z.object({ id: shopifyId, order_id: shopifyId }).passthrough();

/** orders/create, orders/updated, orders/cancelled: the snapshot and what attribution needs. */
export const parseOrderWebhook = (payload: unknown) => {
  const order = withId.parse(payload) as unknown as OrderWebhookPayload;
  return { snapshot: orderSnapshotFromWebhook(order), hints: orderAttributionHintsFromWebhook(order) };
};

/**
 * Stores the order's facts, then re-derives its attribution (and the ambassador's reward)
 * in the same transaction. Returns what must happen after it commits: ambassadors whose
 * leaked code is to be paused (see app/models/Fraud/auto-pause.server.ts).
 */
export async function applyOrderWebhook(
  tx: Db,
  shop: string,
  { snapshot, hints }: ReturnType<typeof parseOrderWebhook>,
): Promise<AttributionResult> {
  await upsertOrderSnapshots(shop, [snapshot], tx);
  return attributeOrders(tx, shop, [snapshot.orderId], `order:${snapshot.orderId}:${snapshot.sourceUpdatedAt.getTime()}`, {
    hints: new Map([[snapshot.orderId, hints]]),
  });
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
