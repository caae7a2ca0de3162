/**
 * Sends the outbox (ProgramEvents.server.ts) to Shopify Flow and, when the shop connected
 * Klaviyo, to Klaviyo. Each destination is recorded on the row separately, right after it
 * accepted the event, so a retry never re-sends what a destination already took.
 *
 * - Flow: `flowTriggerReceive` has no idempotency key and nothing to read back. A crash
 *   between Shopify's answer and the write of `flowDeliveredAt` (one UPDATE) sends that
 *   event again on the retry: at least once, with that one-statement window. A refusal
 *   (userErrors) is recorded as `flowError` and shown to the merchant, never re-sent. The
 *   triggers are paced on the shop's rate limit and THROTTLED is waited out; a network or
 *   other API error throws: the job retries with backoff.
 * - Klaviyo: the event goes with `unique_id` = the event's key, so a resend after a crash
 *   is deduplicated by Klaviyo too. Klaviyo down, busy (429), unreachable or refusing the
 *   key leaves every event waiting and backs the shop off (30 s doubling to an hour,
 *   KlaviyoConnection.retryAt); nothing is dropped. A 4xx refusing one event's content is
 *   recorded as `klaviyoError` on it and shown to the merchant.
 */
import prisma from "../../db.server";
import type { AdminGraphqlClient } from "../../shopify.server";
import { pacedAdmin, type PacedAdmin, type PacingOptions } from "../../utils/paced-admin.server";
import { ProgramEventFlowTriggerMutation } from "../../graphql/ProgramEventFlowTriggerMutation";
import { storefrontUrlFor } from "../AmbassadorProgram/AmbassadorProgram.server";
import { shareLinkFor } from "../AmbassadorProgram/share-link";
import { describeUserErrors, type ShopifyUserError } from "../AmbassadorProgram/user-errors";
import { shopCurrency } from "../ProgramSettings/ShopCurrency.server";
import { majorUnitsInput } from "../ProgramSettings/shop-money";
import { earningTotals } from "../Rewards/tiers.server";
import { createKlaviyoEvent, upsertKlaviyoProfile, type KlaviyoProfile } from "./klaviyo.server";
import { klaviyoCredentials, recordKlaviyoFailure, recordKlaviyoRecovered } from "./KlaviyoConnection.server";
import { isProgramEventKind, payloadKeyOf, PROGRAM_EVENT_KINDS, type ProgramEventData, type ProgramEventKind } from "./kinds";

const BATCH = 100;

export interface AmbassadorFacts {
  customerId: string | null;
  code: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
}

export interface StoredEvent {
  id: string;
  kind: string;
  key: string;
  ambassadorId: string | null;
  data: string;
  occurredAt: Date;
}

interface Context {
  shop: string;
  graphql: AdminGraphqlClient;
  /** Flow triggers share the shop's rate limit with every other app: paced, THROTTLED retried. */
  admin: PacedAdmin;
  currencyCode: string | null;
  storefrontUrl?: string;
}

const major = (cents: number, currencyCode: string | null) => Number(majorUnitsInput(cents, currencyCode) || "0");

async function shareLink(context: Context, code: string) {
  context.storefrontUrl ??= await storefrontUrlFor(context.graphql, context.shop);
  return shareLinkFor(context.storefrontUrl, context.shop, code);
}

/**
 * Every value an event of this kind can carry, by payload key; `flowPayload` picks the
 * trigger's declared fields from it, Klaviyo gets the same minus the references.
 */
async function eventValues(
  context: Context,
  kind: ProgramEventKind,
  raw: unknown,
  ambassador: AmbassadorFacts | null,
): Promise<Record<string, string | number>> {
  const { currencyCode } = context;
  const values: Record<string, string | number> = { Currency: currencyCode ?? "" };
  if (ambassador?.customerId) values.customer_id = Number(ambassador.customerId);
  if (ambassador) values["Ambassador code"] = ambassador.code ?? "";
  switch (kind) {
    case "application_received": {
      const data = raw as ProgramEventData["application_received"];
      values["Applicant name"] = data.name;
      values["Applicant email"] = data.email;
      values["Social handle"] = data.socialHandle;
      break;
    }
    case "ambassador_approved": {
      const data = raw as ProgramEventData["ambassador_approved"];
      values["Share link"] = data.shareLink ?? (ambassador?.code ? await shareLink(context, ambassador.code) : "");
      break;
    }
    case "ambassador_paused_or_removed":
      values.Status = (raw as ProgramEventData["ambassador_paused_or_removed"]).status;
      break;
    case "first_attributed_order":
      values.order_id = Number((raw as ProgramEventData["first_attributed_order"]).orderId);
      break;
    case "reward_earned":
    case "reward_approved":
      values.Amount = major((raw as { amountCents: number }).amountCents, currencyCode);
      break;
    case "payout_sent": {
      const data = raw as ProgramEventData["payout_sent"];
      values.Amount = major(data.amountCents, currencyCode);
      values["Payout method"] = data.method;
      break;
    }
    case "tier_reached": {
      const data = raw as ProgramEventData["tier_reached"];
      values["Tier name"] = data.tierName;
      values["Commission percent"] = data.commissionBasisPoints / 100;
      break;
    }
    case "milestone_reached": {
      const data = raw as ProgramEventData["milestone_reached"];
      values["Milestone name"] = data.milestoneName;
      values.Amount = major(data.bonusCents, currencyCode);
      break;
    }
    case "gift_created":
      values.Gift = (raw as ProgramEventData["gift_created"]).gift;
      break;
  }
  return values;
}

/** The trigger's payload: exactly the fields its extension declares. Null when one is missing. */
export function flowPayload(kind: ProgramEventKind, values: Record<string, string | number>) {
  const payload: Record<string, string | number> = {};
  for (const field of PROGRAM_EVENT_KINDS[kind].fields) {
    const key = payloadKeyOf(field);
    if (values[key] === undefined) return null;
    payload[key] = values[key];
  }
  return payload;
}

export interface DeliveryReport {
  flowSent: number;
  flowRefused: number;
  klaviyoSent: number;
  klaviyoRefused: number;
  /** Klaviyo failed for a passing reason: events wait until `retryAt`. */
  klaviyoWaitingUntil: Date | null;
}

/**
 * Sends the shop's undelivered events, oldest first. Safe to run again at any time (the
 * delivery job is one run per shop at a time).
 */
export async function deliverProgramEvents(
  graphql: AdminGraphqlClient,
  shop: string,
  now: Date = new Date(),
  pacing: PacingOptions = { throttleBackoffMs: 1000 },
): Promise<DeliveryReport> {
  const report: DeliveryReport = { flowSent: 0, flowRefused: 0, klaviyoSent: 0, klaviyoRefused: 0, klaviyoWaitingUntil: null };
  const context: Context = {
    shop,
    graphql,
    admin: pacedAdmin(graphql, pacing),
    currencyCode: await shopCurrency(graphql, shop),
  };
  await deliverToFlow(context, report);
  await deliverToKlaviyo(context, report, now);
  return report;
}

async function ambassadorsOf(shop: string, events: StoredEvent[]) {
  const ids = [...new Set(events.flatMap((e) => (e.ambassadorId ? [e.ambassadorId] : [])))];
  const rows = await prisma.ambassador.findMany({
    where: { shop, id: { in: ids } },
    select: { id: true, customerId: true, code: true, email: true, firstName: true, lastName: true },
  });
  return new Map(rows.map((row) => [row.id, row]));
}

async function deliverToFlow(context: Context, report: DeliveryReport) {
  const { shop } = context;
  let after = "";
  for (;;) {
    const events = await prisma.programEvent.findMany({
      where: { shop, flowDeliveredAt: null, flowError: null, id: { gt: after } },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (events.length === 0) return;
    after = events[events.length - 1].id;
    const ambassadors = await ambassadorsOf(shop, events);
    for (const event of events) {
      const refusal = await sendToFlow(context, event, event.ambassadorId ? (ambassadors.get(event.ambassadorId) ?? null) : null);
      // Written at once after Shopify's answer: the at-least-once window is this statement.
      await prisma.programEvent.update({
        where: { id: event.id },
        data: refusal ? { flowError: refusal } : { flowDeliveredAt: new Date() },
      });
      if (refusal) report.flowRefused++;
      else report.flowSent++;
    }
  }
}

/** A mutation's cost in Shopify's calculation: 10 points a root field. */
const FLOW_TRIGGER_COST = 10;

/** Null when Flow took the event; otherwise why it cannot (shown to the merchant). */
async function sendToFlow(context: Context, event: StoredEvent, ambassador: AmbassadorFacts | null): Promise<string | null> {
  if (!isProgramEventKind(event.kind)) return `Unknown event kind "${event.kind}".`;
  const info = PROGRAM_EVENT_KINDS[event.kind];
  const needsCustomer = info.fields.some((f) => f.type === "customer_reference");
  if (needsCustomer && !ambassador?.customerId) {
    return "The ambassador has no Shopify customer, so Flow cannot start a workflow for them.";
  }
  const payload = flowPayload(event.kind, await eventValues(context, event.kind, JSON.parse(event.data), ambassador));
  if (!payload) return "The event is missing a field its Flow trigger declares.";
  // THROTTLED runs nothing, so retrying it cannot fire a trigger twice.
  const { flowTriggerReceive } = await context.admin.request(
    ProgramEventFlowTriggerMutation,
    { handle: info.handle, payload },
    FLOW_TRIGGER_COST,
  );
  const errors = (flowTriggerReceive?.userErrors ?? []) as ShopifyUserError[];
  return errors.length > 0 ? `Shopify Flow refused the trigger: ${describeUserErrors(errors).join(" ")}` : null;
}

async function deliverToKlaviyo(context: Context, report: DeliveryReport, now: Date) {
  const { shop } = context;
  const credentials = await klaviyoCredentials(shop);
  if (!credentials) return;
  if (credentials.retryAt && credentials.retryAt > now) {
    report.klaviyoWaitingUntil = credentials.retryAt;
    return;
  }
  let after = "";
  let recovered = false;
  for (;;) {
    const events = await prisma.programEvent.findMany({
      where: { shop, klaviyoDeliveredAt: null, klaviyoError: null, occurredAt: { gte: credentials.connectedAt }, id: { gt: after } },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (events.length === 0) return;
    after = events[events.length - 1].id;
    const ambassadors = await ambassadorsOf(shop, events);
    for (const event of events) {
      const ambassador = event.ambassadorId ? (ambassadors.get(event.ambassadorId) ?? null) : null;
      const result = await sendToKlaviyo(context, credentials.apiKey, event, ambassador);
      if (result.outcome === "waiting") {
        // Klaviyo is down or refuses the key: every event waits, none is dropped.
        await recordKlaviyoFailure(shop, result.message, now);
        report.klaviyoWaitingUntil = (await klaviyoCredentials(shop))?.retryAt ?? null;
        return;
      }
      if (!recovered) {
        await recordKlaviyoRecovered(shop);
        recovered = true;
      }
      await prisma.programEvent.update({
        where: { id: event.id },
        data: result.outcome === "sent" ? { klaviyoDeliveredAt: new Date() } : { klaviyoError: result.message },
      });
      if (result.outcome === "sent") report.klaviyoSent++;
      else report.klaviyoRefused++;
    }
  }
}

type KlaviyoOutcome = { outcome: "sent" } | { outcome: "refused" | "waiting"; message: string };

async function sendToKlaviyo(
  context: Context,
  apiKey: string,
  event: StoredEvent,
  ambassador: AmbassadorFacts | null,
): Promise<KlaviyoOutcome> {
  if (!isProgramEventKind(event.kind)) return { outcome: "refused", message: `Unknown event kind "${event.kind}".` };
  const data = JSON.parse(event.data);
  const values = await eventValues(context, event.kind, data, ambassador);
  const email = event.kind === "application_received" ? (data as { email: string }).email : ambassador?.email;
  if (!email) return { outcome: "refused", message: "No email address to send to Klaviyo (none known, or erased)." };

  const profile: KlaviyoProfile = {
    email,
    ...(ambassador?.firstName ? { first_name: ambassador.firstName } : {}),
    ...(ambassador?.lastName ? { last_name: ambassador.lastName } : {}),
  };
  if (ambassador && event.ambassadorId) {
    const properties = await profileProperties(context, event.ambassadorId, ambassador);
    const upserted = await upsertKlaviyoProfile(apiKey, { ...profile, properties });
    if (!upserted.ok) return { outcome: upserted.passing ? "waiting" : "refused", message: upserted.message };
  }
  const properties = Object.fromEntries(
    Object.entries(values).filter(([key]) => key !== "customer_id" && key !== "order_id"),
  );
  if (values.order_id !== undefined) properties["Order ID"] = String(values.order_id);
  const sent = await createKlaviyoEvent(apiKey, {
    metric: PROGRAM_EVENT_KINDS[event.kind].name,
    profile,
    properties,
    time: event.occurredAt.toISOString(),
    uniqueId: event.key,
    ...(typeof values.Amount === "number" ? { value: values.Amount } : {}),
  });
  if (!sent.ok) return { outcome: sent.passing ? "waiting" : "refused", message: sent.message };
  return { outcome: "sent" };
}

/** The ambassador's code, link, status, tier and totals, as Klaviyo profile properties. */
async function profileProperties(context: Context, ambassadorId: string, ambassador: AmbassadorFacts) {
  const { shop, currencyCode } = context;
  const [row, standing, balance, totals] = await Promise.all([
    prisma.ambassador.findFirst({ where: { shop, id: ambassadorId }, select: { status: true } }),
    prisma.ambassadorTier.findUnique({ where: { shop_ambassadorId: { shop, ambassadorId } }, select: { tierId: true } }),
    prisma.rewardBalance.findUnique({ where: { shop_ambassadorId: { shop, ambassadorId } } }),
    earningTotals(prisma, shop, [ambassadorId]),
  ]);
  const tier = standing?.tierId
    ? await prisma.rewardTier.findFirst({ where: { shop, id: standing.tierId }, select: { name: true } })
    : null;
  const earned = balance
    ? Number(balance.pendingCents + balance.approvedCents + balance.inPayoutCents + balance.paidCents)
    : 0;
  const mine = totals.get(ambassadorId);
  return {
    "Ambassador code": ambassador.code ?? "",
    "Ambassador share link": ambassador.code ? await shareLink(context, ambassador.code) : "",
    "Ambassador status": row?.status ?? "",
    "Ambassador tier": tier?.name ?? "",
    "Ambassador sales": major(mine?.salesCents ?? 0, currencyCode),
    "Ambassador orders": mine?.orders ?? 0,
    "Ambassador rewards earned": major(earned, currencyCode),
    "Ambassador rewards paid": major(Number(balance?.paidCents ?? 0n), currencyCode),
    "Ambassador currency": currencyCode ?? "",
  };
}

/** Shops with events to send now: for the sweep (app/jobs/program-events.server.ts). */
export async function shopsWithEventsToDeliver(now: Date = new Date()): Promise<string[]> {
  const flow = await prisma.programEvent.findMany({
    where: { flowDeliveredAt: null, flowError: null },
    distinct: ["shop"],
    select: { shop: true },
  });
  const shops = new Set(flow.map((row) => row.shop));
  const connections = await prisma.klaviyoConnection.findMany({
    where: { OR: [{ retryAt: null }, { retryAt: { lte: now } }] },
    select: { shop: true, connectedAt: true },
  });
  for (const connection of connections) {
    if (shops.has(connection.shop)) continue;
    const waiting = await prisma.programEvent.findFirst({
      where: { shop: connection.shop, klaviyoDeliveredAt: null, klaviyoError: null, occurredAt: { gte: connection.connectedAt } },
      select: { id: true },
    });
    if (waiting) shops.add(connection.shop);
  }
  return [...shops];
}

export interface ProgramEventStatus {
  flowWaiting: number;
  klaviyoWaiting: number;
  /** The latest events a destination refused, newest first. */
  refused: Array<{ id: string; kind: string; name: string; occurredAt: Date; flowError: string | null; klaviyoError: string | null }>;
  lastDeliveredAt: Date | null;
}

/** Delivery status for the settings page. */
export async function programEventStatus(shop: string): Promise<ProgramEventStatus> {
  const connection = await prisma.klaviyoConnection.findUnique({ where: { shop }, select: { connectedAt: true } });
  const [flowWaiting, klaviyoWaiting, refused, last] = await Promise.all([
    prisma.programEvent.count({ where: { shop, flowDeliveredAt: null, flowError: null } }),
    connection
      ? prisma.programEvent.count({
          where: { shop, klaviyoDeliveredAt: null, klaviyoError: null, occurredAt: { gte: connection.connectedAt } },
        })
      : Promise.resolve(0),
    prisma.programEvent.findMany({
      where: { shop, OR: [{ flowError: { not: null } }, { klaviyoError: { not: null } }] },
      orderBy: { occurredAt: "desc" },
      take: 10,
      select: { id: true, kind: true, occurredAt: true, flowError: true, klaviyoError: true },
    }),
    prisma.programEvent.findFirst({
      where: { shop, flowDeliveredAt: { not: null } },
      orderBy: { flowDeliveredAt: "desc" },
      select: { flowDeliveredAt: true },
    }),
  ]);
  return {
    flowWaiting,
    klaviyoWaiting,
    refused: refused.map((row) => ({
      ...row,
      name: isProgramEventKind(row.kind) ? PROGRAM_EVENT_KINDS[row.kind].name : row.kind,
    })),
    lastDeliveredAt: last?.flowDeliveredAt ?? null,
  };
}
