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
  attributeOrderWebhooks,
  parseOrderWebhook,
  parseRefundWebhook,
  storeOrderWebhooks,
  type ParsedOrderWebhook,
} from "../OrderHistory/order-webhooks.server";
import type { RefundWebhookPayload } from "../OrderHistory/OrderHistory.server";
import {
  INBOX_MAX_ATTEMPTS,
  pendingDeliveries,
  pendingWhere,
  yieldToAcknowledgements,
} from "../WebhookInbox/WebhookInbox.server";
import { jsonTextElements, positional, storedTimestamp } from "../../utils/sql-dialect.server";
import type { AttributionResult } from "./Attribution.server";

/**
 * A batch takes at least MIN and at most MAX deliveries, as many as its cost per row so
 * far (smoothed) fits in the budget, and starts no further order with a program code once
 * the budget is spent (see applyBatch). The batch holds the database's one connection:
 * deliveries arriving meanwhile wait for their acknowledging commit, so the budget bounds
 * their latency (the webhook bench's p99). The minimum spreads each batch's fixed cost
 * (reading the rows, the shared facts and attribution steps, marking, commit) over many
 * rows: orders without a program code cost little each, and most orders have none.
 */
const MIN_BATCH_ROWS = 64;
const MAX_BATCH_ROWS = 200;
const BATCH_BUDGET_MS = 20;

/**
 * A run (woken by new deliveries) first lets deliveries gather this long: at a steady
 * 300 a second a batch then holds several instead of one or two, so the batches' fixed
 * cost is paid a few times a second rather than after every acknowledgement.
 */
const GATHER_MS = 25;
let msPerRow = 2;

function batchRows() {
  return Math.max(MIN_BATCH_ROWS, Math.min(MAX_BATCH_ROWS, Math.floor(BATCH_BUDGET_MS / msPerRow)));
}

interface Row {
  webhookId: string;
  topic: string;
  payload: string | null;
}

type Parsed =
  | { row: Row; kind: "order"; order: ParsedOrderWebhook }
  | { row: Row; kind: "refund"; refund: RefundWebhookPayload };

class DeliveryFailed extends Error {
  constructor(readonly webhookId: string, readonly cause: unknown) {
    super(`Delivery ${webhookId} could not be applied: ${errorText(cause)}`);
  }
}

/** The batch's shared step (all its orders' facts at once) failed: which row is unknown. */
class BatchFailed extends Error {
  constructor(readonly cause: unknown) {
    super(`A batch could not be applied: ${errorText(cause)}`);
  }
}

export interface InboxRun {
  applied: number;
  batches: number;
  /** Deliveries given up on in this run (left with lastError). */
  failed: number;
}

/**
 * Applies what waits for the shop, batch after batch, until a batch finds fewer than it
 * could take (what is stored after that read enqueues another run).
 */
export async function processWebhookInbox(shop: string): Promise<InboxRun> {
  const run: InboxRun = { applied: 0, batches: 0, failed: 0 };
  let mode: "batched" | "row by row" = "batched";
  await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
  for (;;) {
    let batch: { rows: number; results: AttributionResult[]; rest: boolean };
    await yieldToAcknowledgements();
    try {
      batch = await applyBatch(shop, mode);
      mode = "batched";
    } catch (error) {
      if (error instanceof BatchFailed) {
        // Find the culprit: the same rows again, each applied on its own (one transaction).
        mode = "row by row";
        continue;
      }
      if (!(error instanceof DeliveryFailed)) throw error;
      // The whole batch rolled back. The delivery that threw is retried alone (so it
      // can't fail its neighbours again); the others go in the next batch.
      mode = "batched";
      const alone = await applyAlone(shop, error.webhookId);
      if (alone) {
        run.applied++;
        await afterCommit(shop, [alone]);
      } else run.failed++;
      continue;
    }
    if (batch.rows > 0) {
      run.applied += batch.rows;
      run.batches++;
      await afterCommit(shop, batch.results);
    }
    // Nothing left when it looked: what was stored since enqueued another run.
    if (!batch.rest) return run;
  }
}

async function applyBatch(shop: string, mode: "batched" | "row by row") {
  return prisma.$transaction(async (tx) => {
    // No wait for the disk: a batch lost to a power cut leaves its rows pending (marked in
    // the same transaction), so it is applied again.
    await tx.$executeRaw`SET LOCAL synchronous_commit = off`;
    // Read inside the transaction: a shop/redact or customers/redact that ran since the
    // job was enqueued has already removed what it erased.
    const limit = batchRows();
    const rows: Row[] = await pendingDeliveries(tx, shop, limit);
    if (rows.length === 0) return { rows: 0, results: [], rest: false };
    const started = performance.now();
    const parsed = rows.map((row) => guarded(row, () => parseRow(row)));
    const results: AttributionResult[] = [];
    const deferred = new Set<string>();
    if (mode === "batched") {
      // Every order of the batch at once: facts in one set-based step, then attribution
      // (one call for the orders that use no program code, one each for the rest), then
      // the refunds one by one. Same end state as one by one: facts are order-independent
      // and attribution re-derives from them as stored.
      const orders = parsed.flatMap((p) => (p.kind === "order" ? [p] : []));
      // Orders with a program code cost far more than the rest (the reward ledger): past
      // the budget, those not started yet stay in the inbox for the next batch (their
      // facts stored again then: idempotent), so one batch can't run much past it.
      const deadline = started + BATCH_BUDGET_MS;
      try {
        await storeOrderWebhooks(tx, shop, orders.map((p) => p.order));
        const attributed = await attributeOrderWebhooks(tx, shop, orders.map((p) => p.order), deadline);
        results.push(...attributed.results);
        orders.forEach((p, index) => {
          if (!attributed.done[index]) deferred.add(p.row.webhookId);
        });
      } catch (error) {
        if (orders.length === 1) throw new DeliveryFailed(orders[0].row.webhookId, error);
        throw new BatchFailed(error);
      }
      // (Each batch applies at least one delivery, or the processor would think it done.)
      let appliedCount = orders.length - deferred.size;
      for (const p of parsed) {
        if (p.kind !== "refund") continue;
        if (appliedCount > 0 && performance.now() > deadline) deferred.add(p.row.webhookId);
        else {
          results.push(await guarded(p.row, () => applyRefundWebhook(tx, shop, p.refund)));
          appliedCount++;
        }
      }
    } else {
      for (const p of parsed) results.push(await guarded(p.row, () => applyParsed(tx, shop, p)));
    }
    const applied = rows.filter((row) => !deferred.has(row.webhookId));
    await markDone(tx, shop, applied.map((row) => row.webhookId));
    // Learn the cost per row (smoothed) for the next batch's size.
    msPerRow = 0.7 * msPerRow + 0.3 * Math.max(0.05, (performance.now() - started) / applied.length);
    // More may wait: the batch was full, or it left deliveries for the next one.
    return { rows: applied.length, results, rest: rows.length === limit || deferred.size > 0 };
  });
}

/** Runs `work` for `row`; what it throws names the row. */
function guarded<T>(row: Row, work: () => T): T {
  try {
    const result = work();
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        throw new DeliveryFailed(row.webhookId, error);
      }) as T;
    }
    return result;
  } catch (error) {
    throw new DeliveryFailed(row.webhookId, error);
  }
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
  return applyParsed(tx, shop, parseRow(row));
}

function applyParsed(tx: Prisma.TransactionClient, shop: string, parsed: Parsed): Promise<AttributionResult> {
  return parsed.kind === "order" ? applyOrderWebhook(tx, shop, parsed.order) : applyRefundWebhook(tx, shop, parsed.refund);
}

/**
 * The stored payload through the route's parser again (it was validated with it before
 * it was acknowledged, so a failure here means the parser changed since).
 */
function parseRow(row: Row): Parsed {
  if (row.payload === null) throw new Error("The payload is gone");
  const payload: unknown = JSON.parse(row.payload);
  switch (row.topic) {
    case "ORDERS_CREATE":
    case "ORDERS_UPDATED":
    case "ORDERS_CANCELLED":
      return { row, kind: "order", order: parseOrderWebhook(payload) };
    case "REFUNDS_CREATE":
      return { row, kind: "refund", refund: parseRefundWebhook(payload) };
    default:
      throw new Error(`No inbox handler for ${row.topic}`);
  }
}

async function markDone(tx: Prisma.TransactionClient, shop: string, webhookIds: string[]) {
  // Retention reads every order: the cached cohorts are out of date now (once per batch).
  await markMetricsStale(tx, shop);
  // Raw, one JSON parameter for the batch's ids (see raw-rows.server.ts: Prisma's
  // `in` costs more to compile than the update costs to run). "processedAt" IS NULL: the
  // rows are pending, and it keeps SQLite on the (shop, processedAt) index's pending rows
  // rather than every id the shop's inbox kept.
  await tx.$executeRawUnsafe(
    positional(
      `UPDATE "WebhookInbox" SET "processedAt" = ?, "payload" = NULL, "lastError" = NULL
       WHERE "shop" = ? AND "processedAt" IS NULL AND "webhookId" IN (SELECT l.value FROM ${jsonTextElements("l")})`,
    ),
    storedTimestamp(new Date()),
    shop,
    JSON.stringify(webhookIds),
  );
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
