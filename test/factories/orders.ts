/**
 * Orders, refunds and customers as Shopify sends them: bulk JSONL lines (Admin GraphQL
 * Order nodes and `__parentId` child lines) and REST-style webhook payloads.
 */
import { afterAll } from "vitest";
import { Readable } from "node:stream";
import prisma from "~/db.server";
import type {
  AdminOrderNode,
  OrderWebhookPayload,
  RefundWebhookPayload,
} from "~/models/OrderHistory/snapshots";

/** Shopify's Decimal form: 1234 → "12.34", 1000 → "10.0". */
export function decimal(cents: number): string {
  const whole = Math.floor(cents / 100);
  const fraction = String(cents % 100).padStart(2, "0").replace(/0$/, "");
  return `${whole}.${fraction || "0"}`;
}

export interface TestOrder {
  id: number;
  customerId?: number | null;
  customerName?: string;
  customerEmail?: string;
  customerTags?: string[];
  customerUpdatedAt?: string;
  /** Admin API marketing states of the customer's email and phone (none: no phone). */
  emailMarketingState?: string;
  smsMarketingState?: string;
  processedAt: string;
  updatedAt?: string;
  totalCents: number;
  refundedCents?: number;
  cancelledAt?: string | null;
  test?: boolean;
  discountCodes?: string[];
  currencyCode?: string;
}

/** An Order node as a line of OrderHistoryBulkQuery's JSONL. */
export function bulkOrderNode(order: TestOrder): AdminOrderNode {
  const customerId = order.customerId ?? null;
  return {
    id: `gid://shopify/Order/${order.id}`,
    processedAt: order.processedAt,
    updatedAt: order.updatedAt ?? order.processedAt,
    cancelledAt: order.cancelledAt ?? null,
    test: order.test ?? false,
    discountCodes: order.discountCodes ?? [],
    customer:
      customerId === null
        ? null
        : {
            id: `gid://shopify/Customer/${customerId}`,
            displayName: order.customerName ?? `Customer ${customerId}`,
            defaultEmailAddress: {
              emailAddress: order.customerEmail ?? `customer${customerId}@example.com`,
              marketingState: order.emailMarketingState ?? "NOT_SUBSCRIBED",
            },
            defaultPhoneNumber: order.smsMarketingState ? { marketingState: order.smsMarketingState } : null,
            tags: order.customerTags ?? [],
            updatedAt: order.customerUpdatedAt ?? "2024-01-01T00:00:00Z",
          },
    totalPriceSet: { shopMoney: { amount: decimal(order.totalCents), currencyCode: order.currencyCode ?? "USD" } },
    totalRefundedSet: { shopMoney: { amount: decimal(order.refundedCents ?? 0) } },
  };
}

/** A line-item child line, as a bulk query with nested `lineItems` writes it. */
export function lineItemLine(orderId: number, lineItemId: number, quantity = 1) {
  return {
    id: `gid://shopify/LineItem/${lineItemId}`,
    title: `Product ${lineItemId}`,
    quantity,
    __parentId: `gid://shopify/Order/${orderId}`,
  };
}

export function toJsonl(lines: unknown[]): string {
  return lines.map((line) => JSON.stringify(line)).join("\n") + "\n";
}

/** The text as a stream of small chunks, so lines straddle chunk boundaries. */
export function chunkedStream(text: string, chunkSize = 37): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

/** orders/create|updated|cancelled payload (single currency unless `presentment` given). */
export function orderWebhookPayload(
  order: TestOrder & {
    refunds?: { amountCents: number; currency?: string }[];
    presentment?: { currency: string; totalCents: number };
  },
): OrderWebhookPayload {
  const currency = order.currencyCode ?? "USD";
  const presentment = order.presentment ?? { currency, totalCents: order.totalCents };
  return {
    id: order.id,
    admin_graphql_api_id: `gid://shopify/Order/${order.id}`,
    created_at: order.processedAt,
    processed_at: order.processedAt,
    updated_at: order.updatedAt ?? order.processedAt,
    cancelled_at: order.cancelledAt ?? null,
    test: order.test ?? false,
    currency,
    presentment_currency: presentment.currency,
    total_price: decimal(order.totalCents),
    total_price_set: {
      shop_money: { amount: decimal(order.totalCents), currency_code: currency },
      presentment_money: { amount: decimal(presentment.totalCents), currency_code: presentment.currency },
    },
    discount_codes: (order.discountCodes ?? []).map((code) => ({ code })),
    customer:
      order.customerId == null
        ? null
        : {
            id: order.customerId,
            first_name: order.customerName ?? `Customer`,
            last_name: String(order.customerId),
            email: order.customerEmail ?? `customer${order.customerId}@example.com`,
            tags: (order.customerTags ?? []).join(", "),
            updated_at: order.customerUpdatedAt ?? "2024-01-01T00:00:00Z",
          },
    refunds: (order.refunds ?? []).map((refund) => ({
      transactions: [
        {
          kind: "refund",
          status: "success",
          amount: decimal(refund.amountCents),
          currency: refund.currency ?? presentment.currency,
        },
      ],
    })),
  };
}

export function refundWebhookPayload(refund: {
  id: number;
  orderId: number;
  amountCents: number;
  createdAt: string;
  currency?: string;
}): RefundWebhookPayload {
  return {
    id: refund.id,
    order_id: refund.orderId,
    created_at: refund.createdAt,
    transactions: [
      { kind: "refund", status: "success", amount: decimal(refund.amountCents), currency: refund.currency ?? "USD" },
      // A failed attempt next to the successful one: never counted.
      { kind: "refund", status: "failure", amount: decimal(refund.amountCents), currency: refund.currency ?? "USD" },
    ],
  };
}

/** Removes everything the repeat-buyer models hold for these shops. */
export async function deleteShopData(...shops: string[]) {
  const where = { shop: { in: shops } };
  await prisma.$transaction([
    prisma.orderFact.deleteMany({ where }),
    prisma.orderFactStaging.deleteMany({ where }),
    prisma.customerProfileStaging.deleteMany({ where }),
    prisma.refundFact.deleteMany({ where }),
    prisma.customerStats.deleteMany({ where }),
    prisma.customerReview.deleteMany({ where }),
    prisma.socialMention.deleteMany({ where }),
    prisma.programSettings.deleteMany({ where }),
    prisma.historySync.deleteMany({ where }),
    prisma.ambassadorProgram.deleteMany({ where }),
    prisma.ambassador.deleteMany({ where }),
    prisma.ambassadorCode.deleteMany({ where }),
    prisma.approvalBatch.deleteMany({ where }),
    prisma.ambassadorEvent.deleteMany({ where }),
    prisma.ambassadorApplication.deleteMany({ where }),
    prisma.customerDataRequest.deleteMany({ where }),
    prisma.shareClick.deleteMany({ where }),
    prisma.programNews.deleteMany({ where }),
    prisma.ambassadorFeedback.deleteMany({ where }),
    prisma.contentSubmission.deleteMany({ where }),
    prisma.rateLimitWindow.deleteMany({ where }),
    prisma.attributedOrder.deleteMany({ where }),
    prisma.rewardEntry.deleteMany({ where }),
    prisma.payout.deleteMany({ where }),
    prisma.rewardSettings.deleteMany({ where }),
    prisma.rewardTier.deleteMany({ where }),
    prisma.rewardMilestone.deleteMany({ where }),
    prisma.ambassadorTier.deleteMany({ where }),
    prisma.giftSettings.deleteMany({ where }),
    prisma.gift.deleteMany({ where }),
    prisma.giftBatch.deleteMany({ where }),
    prisma.fraudFlag.deleteMany({ where }),
    prisma.reconciliationRun.deleteMany({ where }),
    prisma.metricsCache.deleteMany({ where }),
    prisma.programEvent.deleteMany({ where }),
    prisma.klaviyoConnection.deleteMany({ where }),
  ]);
}

/**
 * A maker of shop domains unique to this test file; everything stored under them is
 * erased after the file. Call at the top level of a test file.
 */
export function shopsErasedAfterFile(): (label: string) => string {
  const shops: string[] = [];
  afterAll(() => deleteShopData(...shops));
  return (label) => {
    const shop = uniqueShop(label);
    shops.push(shop);
    return shop;
  };
}

/** A shop domain unique to one test file or case. */
export function uniqueShop(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 8)}.myshopify.com`;
}

/** An ISO timestamp `days` before now, to the second as Shopify writes them. */
export function daysAgo(days: number, now = Date.now()): string {
  return new Date(now - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Stores orders the way a history sync does (bulk JSONL through the ingest). */
export async function ingestOrders(shop: string, orders: TestOrder[]) {
  const { ingestBulkOrdersJsonl } = await import("~/models/OrderHistory/OrderHistory.server");
  return ingestBulkOrdersJsonl(shop, chunkedStream(toJsonl(orders.map(bulkOrderNode)), 4096));
}
