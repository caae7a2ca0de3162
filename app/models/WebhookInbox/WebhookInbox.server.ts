/**
 * The webhook inbox: every delivery is stored as it came (one write, keyed by Shopify's
 * webhook id) and acknowledged, then applied by the shop's webhook-inbox job
 * (./processing.server.ts), as Shopify advises: answer fast, process asynchronously.
 */
import type { Prisma } from "@prisma/client";
import prisma from "../../db.server";

type Db = Prisma.TransactionClient;

/** The topics the app subscribes to (shopify.app.toml), as authenticate.webhook names them. */
export type InboxTopic =
  | "ORDERS_CREATE"
  | "ORDERS_UPDATED"
  | "ORDERS_CANCELLED"
  | "REFUNDS_CREATE"
  | "CUSTOMERS_UPDATE"
  | "CUSTOMERS_DATA_REQUEST"
  | "CUSTOMERS_REDACT"
  | "SHOP_REDACT"
  | "APP_UNINSTALLED"
  | "APP_SCOPES_UPDATE"
  | "BULK_OPERATIONS_FINISH";

/** As Shopify names each topic, for the merchant. */
export const TOPIC_NAMES: Record<InboxTopic, string> = {
  ORDERS_CREATE: "orders/create",
  ORDERS_UPDATED: "orders/updated",
  ORDERS_CANCELLED: "orders/cancelled",
  REFUNDS_CREATE: "refunds/create",
  CUSTOMERS_UPDATE: "customers/update",
  CUSTOMERS_DATA_REQUEST: "customers/data_request",
  CUSTOMERS_REDACT: "customers/redact",
  SHOP_REDACT: "shop/redact",
  APP_UNINSTALLED: "app/uninstalled",
  APP_SCOPES_UPDATE: "app/scopes_update",
  BULK_OPERATIONS_FINISH: "bulk_operations/finish",
};

export interface Delivery {
  webhookId: string;
  shop: string;
  payload: unknown;
  /** X-Shopify-Triggered-At, when Shopify sent it. */
  triggeredAt?: string;
}

/**
 * Stores the delivery: ONE statement, committed before the caller answers 200. A
 * redelivery (same webhook id, applied or not) meets the stored row and adds nothing.
 * Written as SQL because Prisma's createMany wraps its insert in a transaction: three
 * round trips on the path every delivery waits on.
 */
export async function storeDelivery(topic: InboxTopic, { webhookId, shop, payload, triggeredAt }: Delivery) {
  const triggered = triggeredAt ? new Date(triggeredAt) : null;
  const triggeredIso = triggered && !isNaN(triggered.getTime()) ? triggered.toISOString() : null;
  await prisma.$executeRaw`
    INSERT INTO "WebhookInbox" ("webhookId", "shop", "topic", "payload", "triggeredAt", "receivedAt")
    VALUES (${webhookId}, ${shop}, ${topic}, ${JSON.stringify(payload)},
            CAST(${triggeredIso} AS timestamp(3)), CAST(${new Date().toISOString()} AS timestamp(3)))
    ON CONFLICT ("webhookId") DO NOTHING`;
}

/** Applying a delivery failed this many times: it is left alone with its lastError. */
export const INBOX_MAX_ATTEMPTS = 3;

/** Deliveries not applied yet and not given up on. */
const PENDING = { processedAt: null, attempts: { lt: INBOX_MAX_ATTEMPTS } } satisfies Prisma.WebhookInboxWhereInput;

export type StoredDelivery = Awaited<ReturnType<typeof pendingDeliveries>>[number];

/** The shop's first `limit` deliveries waiting, in arrival order. */
export function pendingDeliveries(db: Db, shop: string, limit: number) {
  return db.webhookInbox.findMany({
    where: { shop, ...PENDING },
    orderBy: [{ receivedAt: "asc" }, { webhookId: "asc" }],
    take: limit,
    select: { webhookId: true, shop: true, topic: true, payload: true, triggeredAt: true, receivedAt: true },
  });
}

/** Applied: the payload goes (it holds customer data), the id stays for dedupe. */
export async function markApplied(db: Db, shop: string, webhookIds: string[]) {
  if (webhookIds.length === 0) return;
  await db.webhookInbox.updateMany({
    where: { shop, webhookId: { in: webhookIds }, processedAt: null },
    data: { processedAt: new Date(), payload: null, lastError: null },
  });
}

/**
 * A delivery nothing can apply (nor repair from the Admin API): kept, payload and all,
 * with the reason, for the merchant to see; never tried again.
 */
export async function markUnusable(db: Db, shop: string, webhookId: string, reason: string) {
  await db.webhookInbox.updateMany({
    where: { shop, webhookId, processedAt: null },
    data: { attempts: INBOX_MAX_ATTEMPTS, lastError: reason.slice(0, 2_000) },
  });
}

/** Applying the delivery failed; after INBOX_MAX_ATTEMPTS it is given up on. */
export async function recordFailedAttempt(shop: string, webhookId: string, error: unknown) {
  const reason = error instanceof Error ? error.message : String(error);
  const where = { shop, webhookId, processedAt: null };
  await prisma.webhookInbox.updateMany({ where, data: { attempts: { increment: 1 }, lastError: reason.slice(0, 2_000) } });
  const attempts = (await prisma.webhookInbox.findFirst({ where, select: { attempts: true } }))?.attempts ?? 0;
  if (attempts >= INBOX_MAX_ATTEMPTS) {
    console.error(`Webhook delivery ${webhookId} (${shop}) failed ${attempts} times; left in the inbox`, error);
  }
}

/** Deliveries given up on, newest first: shown to the merchant on the Order check page. */
export function deliveriesNotApplied(shop: string, take = 20) {
  return prisma.webhookInbox.findMany({
    where: { shop, processedAt: null, attempts: { gte: INBOX_MAX_ATTEMPTS } },
    orderBy: { receivedAt: "desc" },
    take,
    select: { webhookId: true, topic: true, receivedAt: true, lastError: true },
  });
}

/** Shops with deliveries waiting (recovery after a restart). */
export async function shopsWithPendingDeliveries(): Promise<string[]> {
  const rows = await prisma.webhookInbox.findMany({ where: PENDING, distinct: ["shop"], select: { shop: true } });
  return rows.map((row) => row.shop);
}

/**
 * Applied rows hold no payload; their ids are kept this long so a late redelivery stays a
 * no-op (Shopify retries for up to 48 hours), then go.
 */
export const INBOX_ID_RETENTION_MS = 7 * 86_400_000;

export async function pruneProcessedDeliveries(now = new Date()): Promise<number> {
  const { count } = await prisma.webhookInbox.deleteMany({
    where: { processedAt: { lt: new Date(now.getTime() - INBOX_ID_RETENTION_MS) } },
  });
  return count;
}

/** The topics whose payload describes a customer (name, email, addresses). */
const CUSTOMER_DATA_TOPICS: InboxTopic[] = ["ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED", "CUSTOMERS_UPDATE"];

/**
 * customers/redact: the customer's deliveries not applied yet (waiting, or given up on)
 * lose their payload, and so are never applied: applying them would write that data back.
 * Their orders' facts are missing until a reconciliation or history sync reads them again;
 * redaction requests come days after the orders, so the inbox has long been applied.
 * Refund payloads name no customer; they stay.
 */
export async function eraseCustomerDeliveries(
  tx: Db,
  shop: string,
  customer: { customerId: string; email?: string | null },
): Promise<number> {
  const rows = await tx.webhookInbox.findMany({
    where: { shop, processedAt: null, payload: { not: null }, topic: { in: CUSTOMER_DATA_TOPICS } },
    select: { webhookId: true, topic: true, payload: true },
  });
  const email = customer.email?.toLowerCase();
  const erased = rows
    .filter(({ topic, payload }) => {
      const data = parseJson(payload ?? "");
      // customers/update is the customer; an order names its buyer.
      const buyer = topic === "CUSTOMERS_UPDATE" ? data : (data?.customer as Record<string, unknown> | null | undefined);
      const emails = [buyer?.email, data?.email].map((value) => (typeof value === "string" ? value.toLowerCase() : null));
      return (buyer?.id != null && String(buyer.id) === customer.customerId) || (email != null && emails.includes(email));
    })
    .map((row) => row.webhookId);
  if (erased.length === 0) return 0;
  const { count } = await tx.webhookInbox.updateMany({
    where: { shop, webhookId: { in: erased } },
    data: { payload: null, processedAt: new Date(), lastError: "Erased by customers/redact before it was applied" },
  });
  return count;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
