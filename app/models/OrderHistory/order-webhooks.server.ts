/**
 * Live updates after the history sync: what each order/refund/customer webhook does to
 * the facts. Deliveries can repeat and arrive out of order; the facts are keyed by
 * Shopify ids and only a newer snapshot replaces an older one, so neither matters.
 */
import type { Prisma } from "@prisma/client";
import { getProgramSettings } from "../ProgramSettings/ProgramSettings.server";
import {
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

/** orders/create, orders/updated, orders/cancelled. */
export const parseOrderWebhook = (payload: unknown) =>
  orderSnapshotFromWebhook(payload as OrderWebhookPayload);

export async function applyOrderWebhook(
  tx: Db,
  shop: string,
  snapshot: ReturnType<typeof parseOrderWebhook>,
) {
  await upsertOrderSnapshots(shop, [snapshot], tx);
}

/** refunds/create. */
export const parseRefundWebhook = (payload: unknown) => payload as RefundWebhookPayload;

export async function applyRefundWebhook(tx: Db, shop: string, payload: RefundWebhookPayload) {
  const { currencyCode } = await getProgramSettings(shop, tx);
  const refund = refundSnapshotFromWebhook(payload, currencyCode);
  // Not expressible in shop money: the orders/updated for this refund carries the amount.
  if (refund) await recordRefunds(shop, [refund], tx);
}

/** customers/update. */
export const parseCustomerWebhook = (payload: unknown) =>
  customerProfileFromWebhook(payload as CustomerWebhookPayload);

export async function applyCustomerWebhook(
  tx: Db,
  shop: string,
  profile: ReturnType<typeof parseCustomerWebhook>,
) {
  await upsertCustomerProfiles(shop, [profile], tx);
}
