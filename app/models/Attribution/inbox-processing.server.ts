/**
 * Applies a shop's inbox (app/models/WebhookInbox/) in batches: the deliveries waiting,
 * in arrival order, each through the same apply function the routes used to call, all in
 * ONE transaction per batch (one commit and fsync per batch instead of per delivery),
 * marked processed (payload nulled: it holds customer data) in that same transaction.
 * Then, after the commit, what the batch asked for that calls Shopify (tier tags, pausing
 * leaked codes).
 *
 * Order and repetition don't matter to the apply functions (facts keyed by Shopify ids,
 * a newer snapshot wins, the reward ledger is keyed by cause), so a batch may hold
 * deliveries in any order, and a crash between commit and follow-ups only replays
 * follow-ups that are themselves idempotent.
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { enqueueRewardFollowUps } from "../../jobs/reward-maturation.server";
import { pauseLeakedCodes } from "../Fraud/auto-pause.server";
import { markMetricsStale } from "../Analytics/MetricsCache.server";
import {
  applyOrderWebhook,
  applyRefundWebhook,
  parseOrderWebhook,
  parseRefundWebhook,
} from "../OrderHistory/order-webhooks.server";
import { INBOX_MAX_ATTEMPTS, pendingWhere } from "../WebhookInbox/WebhookInbox.server";
import type { AttributionResult } from "./Attribution.server";

type Apply = (tx: Prisma.TransactionClient, shop: string, payload: unknown) => Promise<AttributionResult>;

// By topic as authenticate.webhook names it (ORDERS_CREATE); the payload was validated by
// the same parser before it was acknowledged, so a parse failure here is a code change.
const order: Apply = (tx, shop, payload) => applyOrderWebhook(tx, shop, parseOrderWebhook(payload));
const APPLY: Record<string, Apply> = {
  ORDERS_CREATE: order,
  ORDERS_UPDATED: order,
  ORDERS_CANCELLED: order,
  REFUNDS_CREATE: (tx, shop, payload) => applyRefundWebhook(tx, shop, parseRefundWebhook(payload)),
};

/** Topics the inbox takes (the routes that store instead of applying). */
export const INBOX_TOPICS = Object.keys(APPLY);

/**
 * At most this many deliveries per batch, and a batch stops taking more once it has run
 * this long: the batch holds the database's one connection, and new deliveries wait
 * behind it for their acknowledging commit, so its length bounds their latency.
 */
const BATCH_ROWS = 100;
const BATCH_BUDGET_MS = 15;

interface Row {
  webhookId: string;
  topic: string;
  payload: string | null;
}

class DeliveryFailed extends Error {
  constructor(readonly webhookId: string, readonly cause: unknown) {
    super(`Delivery ${webhookId} could not be applied: ${errorText(cause)}`);
  }
}

export interface InboxRun {
  applied: number;
  batches: number;
  /** Deliveries given up on in this run (left with lastError). */
  failed: number;
}

/** Applies everything waiting for the shop, batch after batch, until none is left. */
export async function processWebhookInbox(shop: string): Promise<InboxRun> {
  const run: InboxRun = { applied: 0, batches: 0, failed: 0 };
  for (;;) {
    let batch: { rows: number; results: AttributionResult[] };
    try {
      batch = await applyBatch(shop);
    } catch (error) {
      if (!(error instanceof DeliveryFailed)) throw error;
      // The whole batch rolled back. The delivery that threw is retried alone (so it
      // can't fail its neighbours again); the others go in the next batch.
      const alone = await applyAlone(shop, error.webhookId);
      if (alone) {
        run.applied++;
        await afterCommit(shop, [alone]);
      } else run.failed++;
      continue;
    }
    if (batch.rows === 0) return run;
    run.applied += batch.rows;
    run.batches++;
    await afterCommit(shop, batch.results);
  }
}

async function applyBatch(shop: string) {
  return prisma.$transaction(async (tx) => {
    // Read inside the transaction: a shop/redact or customers/redact that ran since the
    // job was enqueued has already removed what it erased.
    const rows: Row[] = await tx.webhookInbox.findMany({
      where: pendingWhere(shop),
      orderBy: [{ receivedAt: "asc" }, { webhookId: "asc" }],
      take: BATCH_ROWS,
      select: { webhookId: true, topic: true, payload: true },
    });
    const started = performance.now();
    const results: AttributionResult[] = [];
    const applied: string[] = [];
    for (const row of rows) {
      if (applied.length > 0 && performance.now() - started > BATCH_BUDGET_MS) break;
      try {
        results.push(await applyRow(tx, shop, row));
      } catch (error) {
        throw new DeliveryFailed(row.webhookId, error);
      }
      applied.push(row.webhookId);
    }
    if (applied.length > 0) await markDone(tx, shop, applied);
    return { rows: applied.length, results };
  });
}

/**
 * One delivery in its own transactions, up to its remaining attempts. Returns its result,
 * or null when it was given up on (attempts exhausted, lastError kept for a look) or is
 * no longer waiting.
 */
async function applyAlone(shop: string, webhookId: string): Promise<AttributionResult | null> {
  for (;;) {
    let attempts = 0;
    try {
      return await prisma.$transaction(async (tx) => {
        const row = await tx.webhookInbox.findFirst({
          where: { ...pendingWhere(shop), webhookId },
          select: { webhookId: true, topic: true, payload: true, attempts: true },
        });
        if (!row) return null;
        attempts = row.attempts;
        const result = await applyRow(tx, shop, row);
        await markDone(tx, shop, [webhookId]);
        return result;
      });
    } catch (error) {
      await prisma.webhookInbox.update({
        where: { webhookId },
        data: { attempts: { increment: 1 }, lastError: errorText(error).slice(0, 2_000) },
      });
      if (attempts + 1 >= INBOX_MAX_ATTEMPTS) {
        console.error(`Webhook delivery ${webhookId} (${shop}) failed ${attempts + 1} times; left in the inbox`, error);
        return null;
      }
    }
  }
}

function applyRow(tx: Prisma.TransactionClient, shop: string, row: Row): Promise<AttributionResult> {
  const apply = APPLY[row.topic];
  if (!apply) throw new Error(`No inbox handler for ${row.topic}`);
  if (row.payload === null) throw new Error("The payload is gone");
  return apply(tx, shop, JSON.parse(row.payload));
}

async function markDone(tx: Prisma.TransactionClient, shop: string, webhookIds: string[]) {
  // Retention reads every order: the cached cohorts are out of date now (once per batch).
  await markMetricsStale(tx, shop);
  await tx.webhookInbox.updateMany({
    where: { webhookId: { in: webhookIds } },
    data: { processedAt: new Date(), payload: null, lastError: null },
  });
}

async function afterCommit(shop: string, results: AttributionResult[]) {
  const tierTagChanges = results.flatMap((result) => result.tierTagChanges);
  enqueueRewardFollowUps(shop, { tierTagChanges });
  const toPause = results.flatMap((result) => result.ambassadorsToPause);
  if (toPause.length === 0) return;
  try {
    await pauseLeakedCodes(shop, toPause);
  } catch (error) {
    // The deliveries are applied and the flags exist; running the batch again would not
    // pause again either. The merchant sees the flag and can pause.
    console.error(`Could not pause leaked codes for ${shop}`, error);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
