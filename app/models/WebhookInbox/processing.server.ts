/**
 * Applies a shop's stored deliveries (./WebhookInbox.server.ts), batch by batch, in
 * arrival order; the webhook-inbox job calls it and does the follow-ups it returns once
 * each batch committed.
 *
 * A batch is applied in ONE transaction that also marks its deliveries applied, so a crash
 * leaves them pending, to be applied again. The apply functions are idempotent and
 * independent of delivery order (facts keyed by Shopify ids, a newer snapshot wins, the
 * reward ledger keyed by cause), so a batch's orders can go through the set-based path
 * together. A redaction is applied on its own, after what arrived before it and before
 * what came after, so nothing it erased is applied from a payload read earlier.
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { markMetricsStale } from "../Analytics/MetricsCache.server";
import { rereadOrders } from "../Attribution/Reconciliation.server";
import { attributeOrderWebhooks, storeOrderWebhooks } from "../OrderHistory/order-webhooks.server";
import {
  markApplied,
  markUnusable,
  pendingDeliveries,
  recordFailedAttempt,
  type StoredDelivery,
} from "./WebhookInbox.server";
import { addFollowUps, fromAttribution, noFollowUps, readDelivery, type FollowUps } from "./topics.server";

type Db = Prisma.TransactionClient;

/** Deliveries read per batch: enough that a backlog's orders share the set-based steps. */
const BATCH_SIZE = 100;

const REDACTIONS = new Set(["CUSTOMERS_REDACT", "SHOP_REDACT"]);
const CHANGES_ORDERS = new Set(["ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED", "REFUNDS_CREATE"]);

/** An order or refund delivery whose payload could not be read: its order is re-read from Shopify. */
export interface Reread {
  webhookId: string;
  orderId: string;
}

export interface InboxBatch {
  followUps: FollowUps;
  /** For repairDeliveries, after the batch: until then they stay pending. */
  rereads: Reread[];
}

/**
 * Applies the shop's next batch of waiting deliveries; null when none waits. A batch that
 * fails is applied again one delivery at a time, so the one that fails can't hold up the
 * others; it is retried up to INBOX_MAX_ATTEMPTS, then left with its lastError.
 */
export async function applyInboxBatch(shop: string): Promise<InboxBatch | null> {
  const waiting = await pendingDeliveries(prisma, shop, BATCH_SIZE);
  if (waiting.length === 0) return null;
  // A redaction goes alone, after everything that arrived before it.
  const redaction = waiting.findIndex((delivery) => REDACTIONS.has(delivery.topic));
  const batch = redaction === 0 ? waiting.slice(0, 1) : redaction > 0 ? waiting.slice(0, redaction) : waiting;
  try {
    return await prisma.$transaction((tx) => applyDeliveries(tx, shop, batch));
  } catch (error) {
    if (batch.length === 1) {
      await recordFailedAttempt(shop, batch[0].webhookId, error);
      return { followUps: noFollowUps(), rereads: [] };
    }
    return applyOneByOne(shop, batch);
  }
}

async function applyOneByOne(shop: string, deliveries: StoredDelivery[]): Promise<InboxBatch> {
  const outcome: InboxBatch = { followUps: noFollowUps(), rereads: [] };
  for (const delivery of deliveries) {
    try {
      const alone = await prisma.$transaction((tx) => applyDeliveries(tx, shop, [delivery]));
      addFollowUps(outcome.followUps, alone.followUps);
      outcome.rereads.push(...alone.rereads);
    } catch (error) {
      await recordFailedAttempt(shop, delivery.webhookId, error);
    }
  }
  return outcome;
}

async function applyDeliveries(tx: Db, shop: string, deliveries: StoredDelivery[]): Promise<InboxBatch> {
  const followUps = noFollowUps();
  const rereads: Reread[] = [];
  const applied: string[] = [];
  const read = deliveries.map((delivery) => ({ delivery, read: readDelivery(delivery) }));

  const orders = read.flatMap(({ delivery, read }) => (read.kind === "order" ? [{ delivery, order: read.order }] : []));
  await storeOrderWebhooks(tx, shop, orders.map(({ order }) => order));
  for (const result of await attributeOrderWebhooks(tx, shop, orders.map(({ order }) => order))) {
    addFollowUps(followUps, fromAttribution(result));
  }
  applied.push(...orders.map(({ delivery }) => delivery.webhookId));

  for (const { delivery, read: item } of read) {
    if (item.kind === "apply") {
      addFollowUps(followUps, (await item.apply(tx)) ?? {});
      applied.push(delivery.webhookId);
    } else if (item.kind === "unusable") {
      if (item.orderId) rereads.push({ webhookId: delivery.webhookId, orderId: item.orderId });
      else await markUnusable(tx, shop, delivery.webhookId, item.reason);
    }
  }
  await markApplied(tx, shop, applied);
  // Retention reads every order: the cached cohorts are out of date now.
  if (deliveries.some((delivery) => CHANGES_ORDERS.has(delivery.topic))) await markMetricsStale(tx, shop);
  return { followUps, rereads };
}

/**
 * Deliveries whose payload could not be read, repaired from the Admin API: their orders
 * are re-read and applied as the reconciliation applies them. One Shopify no longer has is
 * left with a lastError for the merchant; a failed read is retried like a failed apply.
 */
export async function repairDeliveries(
  shop: string,
  rereads: Reread[],
  graphql: () => Promise<AdminGraphqlClient>,
): Promise<FollowUps> {
  const followUps = noFollowUps();
  let found: Set<string>;
  try {
    const reread = await rereadOrders(await graphql(), shop, rereads.map((r) => r.orderId));
    for (const result of reread.results) addFollowUps(followUps, fromAttribution(result));
    found = new Set(reread.found);
  } catch (error) {
    const reason = `The notification could not be read and its order could not be read from Shopify: ${error instanceof Error ? error.message : String(error)}`;
    for (const { webhookId } of rereads) await recordFailedAttempt(shop, webhookId, new Error(reason));
    return followUps;
  }
  await prisma.$transaction(async (tx) => {
    await markApplied(tx, shop, rereads.filter((r) => found.has(r.orderId)).map((r) => r.webhookId));
    for (const { webhookId, orderId } of rereads.filter((r) => !found.has(r.orderId))) {
      await markUnusable(tx, shop, webhookId, `The notification could not be read, and Shopify has no order ${orderId} to read instead.`);
    }
    await markMetricsStale(tx, shop);
  });
  return followUps;
}
