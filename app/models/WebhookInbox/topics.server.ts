/**
 * What each stored delivery does when the inbox applies it: its payload read, then
 * applied in the caller's transaction through the domain's idempotent functions. Reading
 * never throws: a payload that cannot be applied comes back "unusable", with the order to
 * re-read from the Admin API when the payload names one.
 */
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import type { AttributionResult } from "../Attribution/Attribution.server";
import { markUninstalled, eraseShop, recordScopes } from "../Shop/Shop.server";
import { eraseCustomerPersonalData } from "../Candidate/Candidate.server";
import { eraseEngagementPersonalData } from "../Engagement/Engagement.server";
import { eraseAmbassadorPersonalData } from "../Ambassador/Ambassador.server";
import { eraseStorefrontPersonalData } from "../Application/Application.server";
import { eraseDataRequestPersonalData, recordDataRequest } from "../CustomerDataRequest/CustomerDataRequest.server";
import {
  applyCustomerWebhook,
  applyRefundWebhook,
  parseCustomerWebhook,
  parseOrderWebhook,
  parseRefundWebhook,
  type ParsedOrderWebhook,
} from "../OrderHistory/order-webhooks.server";
import { eraseCustomerDeliveries, type InboxTopic, type StoredDelivery } from "./WebhookInbox.server";

type Db = Prisma.TransactionClient;

/** What must happen once the applying transaction committed (the caller does it). */
export interface FollowUps {
  /** Ambassadors whose tier tag must change in Shopify. */
  tierTagChanges: string[];
  /** Ambassadors whose leaked code is to be paused in Shopify. */
  ambassadorsToPause: string[];
  /** History syncs whose bulk operation finished: wake them rather than let them poll. */
  historySyncsToWake: string[];
}

export const noFollowUps = (): FollowUps => ({ tierTagChanges: [], ambassadorsToPause: [], historySyncsToWake: [] });

export function addFollowUps(into: FollowUps, more: Partial<FollowUps>) {
  into.tierTagChanges.push(...(more.tierTagChanges ?? []));
  into.ambassadorsToPause.push(...(more.ambassadorsToPause ?? []));
  into.historySyncsToWake.push(...(more.historySyncsToWake ?? []));
}

export const fromAttribution = ({ tierTagChanges, ambassadorsToPause }: AttributionResult): Partial<FollowUps> => ({
  tierTagChanges,
  ambassadorsToPause,
});

type Apply = (tx: Db) => Promise<Partial<FollowUps> | void>;

export type ReadDelivery =
  /** Order deliveries are applied together (see processing.server.ts). */
  | { kind: "order"; order: ParsedOrderWebhook }
  | { kind: "apply"; apply: Apply }
  /** `orderId`: the order to re-read from the Admin API instead, when the payload names one. */
  | { kind: "unusable"; reason: string; orderId: string | null };

const shopifyId = z.union([z.number(), z.string()]).transform(String);
const ScopesUpdatePayload = z.object({ current: z.array(z.string()), updated_at: z.string().datetime({ offset: true }).nullish() });
const BulkOperationFinishPayload = z.object({ admin_graphql_api_id: z.string() });
const DataRequestPayload = z.object({
  customer: z.object({ id: shopifyId, email: z.string().nullish() }),
  orders_requested: z.array(shopifyId).nullish(),
  data_request: z.object({ id: shopifyId }).nullish(),
});
const CustomersRedactPayload = z.object({ customer: z.object({ id: shopifyId, email: z.string().nullish() }) });

type OrderTopic = "ORDERS_CREATE" | "ORDERS_UPDATED" | "ORDERS_CANCELLED";
const ORDER_TOPICS = new Set<string>(["ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED"] satisfies OrderTopic[]);

/** Every other topic: its payload read (throws when it cannot be), then what applying it does. */
const TOPICS: Record<Exclude<InboxTopic, OrderTopic>, (payload: unknown, delivery: StoredDelivery) => Apply> = {
  REFUNDS_CREATE: (payload, { shop }) => {
    const refund = parseRefundWebhook(payload);
    return async (tx) => fromAttribution(await applyRefundWebhook(tx, shop, refund));
  },
  CUSTOMERS_UPDATE: (payload, { shop }) => {
    const profile = parseCustomerWebhook(payload);
    return (tx) => applyCustomerWebhook(tx, shop, profile);
  },
  // When Shopify changed them: the payload's updated_at, else when it sent the delivery.
  APP_SCOPES_UPDATE: (payload, { shop, triggeredAt, receivedAt }) => {
    const { current, updated_at } = ScopesUpdatePayload.parse(payload);
    return (tx) => recordScopes(tx, shop, current, updated_at ? new Date(updated_at) : (triggeredAt ?? receivedAt));
  },
  APP_UNINSTALLED: (_payload, { shop }) => (tx) => markUninstalled(tx, shop),
  BULK_OPERATIONS_FINISH: (payload, { shop }) => {
    const { admin_graphql_api_id } = BulkOperationFinishPayload.parse(payload);
    return async (tx) => {
      const sync = await tx.historySync.findFirst({
        where: { shop, bulkOperationId: admin_graphql_api_id, finishedAt: null },
        select: { id: true },
      });
      return { historySyncsToWake: sync ? [sync.id] : [] };
    };
  },
  // Compliance: the request is recorded; the merchant downloads the report of what the
  // app holds on the customer from Data requests (app.data-requests).
  CUSTOMERS_DATA_REQUEST: (payload, { shop }) => {
    const { customer, orders_requested, data_request } = DataRequestPayload.parse(payload);
    return (tx) =>
      recordDataRequest(tx, shop, {
        requestId: data_request?.id,
        customerId: customer.id,
        email: customer.email,
        ordersRequested: orders_requested ?? [],
      });
  },
  // Compliance: forget the customer's name, email, tags, application and what they wrote;
  // keep anonymous aggregates (ids, counts, amounts, codes, dates).
  CUSTOMERS_REDACT: (payload, { shop }) => {
    const { customer } = CustomersRedactPayload.parse(payload);
    const who = { customerId: customer.id, email: customer.email };
    return async (tx) => {
      // Before the storefront erasure: it blanks the signup handles that find their mentions.
      await eraseEngagementPersonalData(shop, who, tx);
      await eraseCustomerPersonalData(shop, customer.id, tx);
      // Storefront first: it finds the ambassador's content by the email erased next.
      await eraseStorefrontPersonalData(shop, who, tx);
      await eraseAmbassadorPersonalData(shop, who, tx);
      // Their deliveries not applied yet: applying them later would write it all back.
      await eraseCustomerDeliveries(tx, shop, who);
      await eraseDataRequestPersonalData(tx, shop, who);
    };
  },
  SHOP_REDACT: (_payload, { shop }) => (tx) => eraseShop(tx, shop),
};

/** Reads the stored delivery for applying; never throws. */
export function readDelivery(delivery: StoredDelivery): ReadDelivery {
  try {
    if (delivery.payload === null) throw new Error("The payload is gone");
    const payload: unknown = JSON.parse(delivery.payload);
    if (ORDER_TOPICS.has(delivery.topic)) return { kind: "order", order: parseOrderWebhook(payload, delivery.topic) };
    const read = TOPICS[delivery.topic as keyof typeof TOPICS];
    if (!read) throw new Error(`No handler for ${delivery.topic}`);
    return { kind: "apply", apply: read(payload, delivery) };
  } catch (error) {
    return { kind: "unusable", reason: `The notification could not be read: ${errorText(error)}`, orderId: orderIdOf(delivery) };
  }
}

/** The order an order or refund delivery is about, when its payload says. */
function orderIdOf({ topic, payload }: StoredDelivery): string | null {
  if (!ORDER_TOPICS.has(topic) && topic !== "REFUNDS_CREATE") return null;
  try {
    const data = JSON.parse(payload ?? "null") as Record<string, unknown> | null;
    const id = topic === "REFUNDS_CREATE" ? data?.order_id : data?.id;
    const digits = typeof id === "number" || typeof id === "string" ? String(id) : "";
    return /^[1-9]\d*$/.test(digits) ? digits : null;
  } catch {
    return null;
  }
}

function errorText(error: unknown): string {
  if (error instanceof z.ZodError) return error.issues.map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`).join("; ");
  return error instanceof Error ? error.message : String(error);
}
