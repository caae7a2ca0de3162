/**
 * The order and refund webhook routes: facts and attribution in the delivery's
 * transaction (`receiveWebhook` dedupes by delivery id), then, after it committed, what
 * attribution and the reward ledger asked for that calls Shopify (pausing a leaked code,
 * tier tags).
 */
import { receiveWebhook } from "../../utils/webhooks.server";
import {
  applyOrderWebhook,
  applyRefundWebhook,
  parseOrderWebhook,
  parseRefundWebhook,
} from "../OrderHistory/order-webhooks.server";
import { pauseLeakedCodes } from "../Fraud/auto-pause.server";
import { enqueueRewardFollowUps } from "../../jobs/reward-maturation.server";
import type { AttributionResult } from "./Attribution.server";
import { markMetricsStale } from "../Analytics/MetricsCache.server";

async function afterCommit(shop: string | null, result: AttributionResult | null) {
  if (!shop || !result) return;
  enqueueRewardFollowUps(shop, result);
  if (result.ambassadorsToPause.length === 0) return;
  try {
    await pauseLeakedCodes(shop, result.ambassadorsToPause);
  } catch (error) {
    // The delivery is stored; answering 500 would only replay it (and the flag exists,
    // so the replay would not pause again). The merchant sees the flag and can pause.
    console.error(`Could not pause leaked codes for ${shop}`, error);
  }
}

/** orders/create, orders/updated, orders/cancelled. */
export async function receiveOrderWebhook(request: Request): Promise<Response> {
  let shop: string | null = null;
  let result: AttributionResult | null = null;
  const response = await receiveWebhook(request, parseOrderWebhook, async (tx, order, context) => {
    shop = context.shop;
    result = await applyOrderWebhook(tx, context.shop, order);
    // Retention reads every order: the cached cohorts are out of date now.
    await markMetricsStale(tx, context.shop);
  });
  await afterCommit(shop, result);
  return response;
}

/** refunds/create. */
export async function receiveRefundWebhook(request: Request): Promise<Response> {
  let shop: string | null = null;
  let result: AttributionResult | null = null;
  const response = await receiveWebhook(request, parseRefundWebhook, async (tx, refund, context) => {
    shop = context.shop;
    result = await applyRefundWebhook(tx, context.shop, refund);
    await markMetricsStale(tx, context.shop);
  });
  await afterCommit(shop, result);
  return response;
}
