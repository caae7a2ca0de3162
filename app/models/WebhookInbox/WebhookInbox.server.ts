/**
 * The webhook inbox: order and refund deliveries are stored (raw) and acknowledged, then
 * applied in batches by the inbox processor (app/jobs/webhook-inbox.server.ts), as Shopify
 * advises (answer fast, process asynchronously).
 *
 * Storing is a group commit: deliveries arriving together are inserted in ONE durable
 * transaction (one fsync), through one prepared statement on Prisma's own connection
 * (bulkWrites) instead of one Prisma transaction each. Each delivery's promise resolves
 * only once its row is committed and on disk (SQLite: a synchronous = FULL commit, which
 * syncs the write-ahead log; see serialized-sqlite.server.ts), so a 200 is never given for
 * a row a crash or power cut could still lose.
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";
import { bulkWrites } from "../../utils/bulk-writes.server";
import { positional, storedTimestamp } from "../../utils/sql-dialect.server";

export interface InboxDelivery {
  webhookId: string;
  shop: string;
  topic: string;
  /** The payload as JSON text. */
  payload: string;
}

/**
 * At most this many rows go in one commit. A group starts as soon as the deliveries read
 * in this turn of the event loop are in (setImmediate), without a timed window: while a
 * commit (or any transaction ahead of it on the one connection) runs, new deliveries
 * queue for the next group anyway, so under load groups form on their own. A 2 ms window
 * delayed every group by up to 2 ms, which under load (the webhook bench, 16 deliveries
 * in flight) was most of an acknowledgement's wait.
 */
const GROUP_MAX_ROWS = 200;

// ON CONFLICT DO NOTHING: a redelivery (same X-Shopify-Webhook-Id, processed or not, or
// twice in one group) is acknowledged and stored once. Standard SQL (PostgreSQL too).
const INSERT_DELIVERY = `INSERT INTO "WebhookInbox" ("webhookId", "shop", "topic", "payload", "receivedAt", "attempts")
VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT ("webhookId") DO NOTHING`;

interface Waiting {
  delivery: InboxDelivery;
  receivedAt: Date;
  resolve: () => void;
  reject: (error: unknown) => void;
}

let waiting: Waiting[] = [];
let starting: ReturnType<typeof setImmediate> | null = null;
let committing = false;
let commits = 0;
let lastGroup = { rows: 0, at: 0 };
let committingRows = 0;

/**
 * Stores the delivery; resolves once its row is durably committed (with others that
 * arrived together). Rejects when the commit failed: answer 500 so Shopify retries.
 */
export function appendToInbox(delivery: InboxDelivery): Promise<void> {
  return new Promise((resolve, reject) => {
    waiting.push({ delivery, receivedAt: new Date(), resolve, reject });
    schedule();
  });
}

/** Durable inbox commits so far in this process (tests count group commits with it). */
export function inboxCommitCount(): number {
  return commits;
}

function schedule() {
  // A commit in progress takes the next group when it ends.
  if (committing) return;
  if (waiting.length >= GROUP_MAX_ROWS) {
    if (starting) clearImmediate(starting);
    starting = null;
    void commitGroups();
  } else if (!starting) {
    starting = setImmediate(() => {
      starting = null;
      void commitGroups();
    });
  }
}

/** Commits groups until nobody waits; one at a time (SQLite has one writer anyway). */
async function commitGroups() {
  committing = true;
  try {
    while (waiting.length > 0) {
      const group = waiting.slice(0, GROUP_MAX_ROWS);
      waiting = waiting.slice(group.length);
      committingRows = group.length;
      try {
        await bulkWrites.transaction(
          (tx) =>
            tx.executeMany(
              INSERT_DELIVERY,
              group.map(({ delivery, receivedAt }) => [
                delivery.webhookId,
                delivery.shop,
                delivery.topic,
                delivery.payload,
                storedTimestamp(receivedAt),
              ]),
            ),
          { durable: true },
        );
        commits++;
        lastGroup = { rows: group.length, at: performance.now() };
        for (const entry of group) entry.resolve();
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
  } finally {
    committing = false;
    committingRows = 0;
  }
}

/**
 * Acknowledgements come first. The processor shares the one connection (and the one
 * thread) with them, and every batch it runs delays the deliveries that arrive meanwhile
 * by its length. When deliveries queue up faster than one at a time (groups of this many,
 * or as many waiting now), the acknowledging path is congested — a burst — and the
 * processor waits (the inbox absorbs the burst; the backlog is applied once it eases). At
 * an ordinary pace groups are of one or two and the processor runs freely. It never
 * waits longer than PROCESSOR_MAX_DEFER_MS at a time, so a long burst cannot starve it.
 */
const CONGESTED_GROUP_ROWS = 8;
const PROCESSOR_MAX_DEFER_MS = 1_000;

function congested(now: number): boolean {
  return (
    waiting.length >= CONGESTED_GROUP_ROWS ||
    committingRows >= CONGESTED_GROUP_ROWS ||
    // Just answered a big group: its senders' next deliveries are on their way.
    (lastGroup.rows >= CONGESTED_GROUP_ROWS && now - lastGroup.at < 10)
  );
}

/** The processor calls this before each batch (see CONGESTED_GROUP_ROWS). */
export async function yieldToAcknowledgements(): Promise<void> {
  // A batch is one long chain of promise callbacks: requests that arrived meanwhile are
  // not even read until the event loop gets a turn. Give it one, so they join the queue.
  await new Promise((resolve) => setImmediate(resolve));
  const until = performance.now() + PROCESSOR_MAX_DEFER_MS;
  for (let now = performance.now(); congested(now) && now < until; now = performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Applying a delivery threw this many times: it is left alone with its lastError. */
export const INBOX_MAX_ATTEMPTS = 3;

/**
 * Where the processor looks: deliveries not applied yet and not given up on. The batch
 * read (pendingDeliveries) spells the same condition in SQL.
 */
const PENDING = { processedAt: null, attempts: { lt: INBOX_MAX_ATTEMPTS } } satisfies Prisma.WebhookInboxWhereInput;

/** The shop's deliveries waiting (PENDING). */
export function pendingWhere(shop: string): Prisma.WebhookInboxWhereInput {
  return { shop, ...PENDING };
}

/**
 * The shop's first `limit` deliveries waiting (pendingWhere), in arrival order: the
 * processor's read of each batch, one raw statement (Prisma's findMany costs several
 * times the read itself; see raw-rows.server.ts).
 */
export function pendingDeliveries(
  tx: Prisma.TransactionClient,
  shop: string,
  limit: number,
): Promise<{ webhookId: string; topic: string; payload: string | null }[]> {
  return tx.$queryRawUnsafe(
    positional(
      `SELECT "webhookId", "topic", "payload" FROM "WebhookInbox"
       WHERE "shop" = ? AND "processedAt" IS NULL AND "attempts" < ?
       ORDER BY "receivedAt", "webhookId" LIMIT ?`,
    ),
    shop,
    INBOX_MAX_ATTEMPTS,
    limit,
  );
}

/** Shops with deliveries waiting (recovery after a restart). */
export async function shopsWithPendingDeliveries(): Promise<string[]> {
  const rows = await prisma.webhookInbox.findMany({
    where: PENDING,
    distinct: ["shop"],
    select: { shop: true },
  });
  return rows.map((row) => row.shop);
}

/**
 * Processed rows no longer hold payloads (nulled when applied); their ids are kept this
 * long so a late redelivery stays a no-op (Shopify retries for up to 48 hours), then go.
 */
export const INBOX_ID_RETENTION_MS = 7 * 86_400_000;

export async function pruneProcessedDeliveries(now = new Date()): Promise<number> {
  const { count } = await prisma.webhookInbox.deleteMany({
    where: { processedAt: { lt: new Date(now.getTime() - INBOX_ID_RETENTION_MS) } },
  });
  return count;
}

/**
 * customers/redact: the customer's deliveries not applied yet (waiting, or given up on)
 * lose their payload (it is that customer's data: name, email, addresses) and so are not
 * applied. Simpler than scrubbing the payload field by field; the cost is that those
 * orders' facts are missing until a reconciliation or history sync reads them again.
 * Redaction requests come days after the orders, so in practice the inbox has long been
 * applied by then. Refund payloads name no customer; they stay.
 */
export async function eraseCustomerDeliveries(
  tx: Prisma.TransactionClient,
  shop: string,
  customer: { customerId: string; email?: string | null },
): Promise<number> {
  const rows = await tx.webhookInbox.findMany({
    where: { shop, processedAt: null, payload: { not: null } },
    select: { webhookId: true, payload: true },
  });
  const email = customer.email?.toLowerCase();
  const erased = rows
    .filter(({ payload }) => {
      const order = parseJson(payload ?? "") as { customer?: { id?: unknown; email?: unknown } | null; email?: unknown } | null;
      const id = order?.customer?.id;
      const emails = [order?.customer?.email, order?.email].map((value) => (typeof value === "string" ? value.toLowerCase() : null));
      return (id != null && String(id) === customer.customerId) || (email != null && emails.includes(email));
    })
    .map((row) => row.webhookId);
  if (erased.length === 0) return 0;
  const { count } = await tx.webhookInbox.updateMany({
    where: { webhookId: { in: erased } },
    data: { payload: null, processedAt: new Date(), lastError: "Erased by customers/redact before it was applied" },
  });
  return count;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
