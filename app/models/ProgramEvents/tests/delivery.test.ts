import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import { enqueueProgramEventDelivery } from "~/jobs/program-events.server";
import type { LocalShop } from "#/local-shop";
import { startLocalKlaviyo, type LocalKlaviyo } from "#/local-klaviyo/server";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { recordProgramEvent, recordProgramEvents, type AnyProgramEventInput } from "../ProgramEvents.server";
import { deliverProgramEvents, programEventStatus } from "../delivery.server";
import { klaviyoConnectionView, saveKlaviyoKey } from "../KlaviyoConnection.server";
import { PROGRAM_EVENT_KINDS } from "../kinds";

const KEY = "pk_local_test_key_0001";

/** Every Flow trigger extension's declared payload keys, by handle, read from the tomls. */
function declaredTriggerFields(): Map<string, string[]> {
  const declared = new Map<string, string[]>();
  for (const dir of fs.readdirSync("extensions")) {
    const file = path.join("extensions", dir, "shopify.extension.toml");
    if (!fs.existsSync(file)) continue;
    const toml = parse(fs.readFileSync(file, "utf8")) as {
      extensions?: Array<{ type: string; handle: string }>;
      settings?: { fields?: Array<{ type: string; key?: string }> };
    };
    const extension = toml.extensions?.[0];
    if (extension?.type !== "flow_trigger") continue;
    const keys = (toml.settings?.fields ?? []).map((field) =>
      field.type === "customer_reference" ? "customer_id" : field.type === "order_reference" ? "order_id" : (field.key as string),
    );
    declared.set(extension.handle, keys.sort());
  }
  return declared;
}

let shop: LocalShop;
let klaviyo: LocalKlaviyo;
let graphql: AdminGraphqlClient;
let ambassadorId: string;
let customerId: string;

/** One event of every kind, for the ambassador (the application for a stranger). */
function oneOfEach(suffix: string): AnyProgramEventInput[] {
  const a = ambassadorId;
  return [
    { kind: "application_received", subject: `app-${suffix}`, ambassadorId: null, data: { name: "Ann Applicant", email: "ann@example.com", socialHandle: "@ann" } },
    { kind: "ambassador_approved", subject: `${a}:${suffix}`, ambassadorId: a, data: {} },
    { kind: "ambassador_paused_or_removed", subject: `${a}:${suffix}`, ambassadorId: a, data: { status: "paused" } },
    { kind: "first_attributed_order", subject: `${a}${suffix}`, ambassadorId: a, data: { orderId: "5001" } },
    { kind: "reward_earned", subject: `orders/create:5001${suffix}`, ambassadorId: a, data: { amountCents: 1250, orderId: "5001" } },
    { kind: "reward_approved", subject: `5001:${a}${suffix}`, ambassadorId: a, data: { amountCents: 1250 } },
    { kind: "payout_sent", subject: `payout-${suffix}`, ambassadorId: a, data: { amountCents: 2500, method: "store_credit" } },
    { kind: "tier_reached", subject: `gold:${a}${suffix}`, ambassadorId: a, data: { tierName: "Gold", commissionBasisPoints: 1500 } },
    { kind: "milestone_reached", subject: `m1:${a}${suffix}`, ambassadorId: a, data: { milestoneName: "First 10 orders", bonusCents: 5000 } },
    { kind: "gift_created", subject: `gift-${suffix}`, ambassadorId: a, data: { gift: "Welcome box" } },
  ];
}

beforeAll(async () => {
  shop = await startTestShop({ seed: { customers: 3, orders: 0, seed: 11 } });
  graphql = await adminClientFor(shop);
  klaviyo = await startLocalKlaviyo({ keys: [KEY] });
  process.env.KLAVIYO_API_URL = klaviyo.url;
});
afterAll(async () => {
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  delete process.env.KLAVIYO_API_URL;
  await klaviyo?.close();
  await shop?.close();
});
beforeEach(async () => {
  await deleteShopData(TEST_SHOP);
  shop.store.flowTriggers.splice(0);
  shop.faults.clear();
  klaviyo.events.splice(0);
  klaviyo.eventRequests = 0;
  klaviyo.requests.splice(0);
  klaviyo.profiles.clear();
  klaviyo.outage = false;
  const customer = shop.store.customers[0];
  customerId = customer.legacyResourceId;
  const ambassador = await prisma.ambassador.create({
    data: {
      shop: TEST_SHOP,
      customerId,
      status: "active",
      source: "application",
      email: customer.email ?? "jane@example.com",
      firstName: "Jane",
      code: "JANE10",
      activatedAt: new Date(),
    },
  });
  ambassadorId = ambassador.id;
});

describe("program events to Shopify Flow and Klaviyo", () => {
  it("every kind has exactly one Flow trigger extension, declaring the fields the kind sends", () => {
    const declared = declaredTriggerFields();
    const handles = Object.values(PROGRAM_EVENT_KINDS).map((kind) => kind.handle);
    expect([...declared.keys()].sort()).toEqual([...handles].sort());
    for (const kind of Object.values(PROGRAM_EVENT_KINDS)) {
      expect(kind.handle).toMatch(/^[a-z0-9-]{1,30}$/);
      const keys = kind.fields.map((f) => (f.type === "customer_reference" ? "customer_id" : f.type === "order_reference" ? "order_id" : f.key));
      expect(declared.get(kind.handle), kind.handle).toEqual([...keys].sort());
    }
  });

  it("fires each event once to Flow, with its trigger's fields, and once to Klaviyo; a second run sends nothing", async () => {
    expect(await saveKlaviyoKey(TEST_SHOP, KEY)).toEqual({ ok: true });
    await recordProgramEvents(prisma, TEST_SHOP, oneOfEach("a"));

    const report = await deliverProgramEvents(graphql, TEST_SHOP);
    expect(report).toMatchObject({ flowSent: 10, flowRefused: 0, klaviyoSent: 10, klaviyoRefused: 0 });
    expect(await deliverProgramEvents(graphql, TEST_SHOP)).toMatchObject({ flowSent: 0, klaviyoSent: 0 });

    const declared = declaredTriggerFields();
    const byHandle = new Map<string, Array<Record<string, unknown>>>();
    for (const trigger of shop.store.flowTriggers) {
      byHandle.set(trigger.handle as string, [...(byHandle.get(trigger.handle as string) ?? []), trigger.payload as Record<string, unknown>]);
    }
    expect([...byHandle.keys()].sort()).toEqual([...declared.keys()].sort());
    for (const [handle, payloads] of byHandle) {
      expect(payloads, handle).toHaveLength(1);
      expect(Object.keys(payloads[0]).sort(), handle).toEqual(declared.get(handle));
    }
    expect(byHandle.get("ambassador-reward-earned")?.[0]).toEqual({
      customer_id: Number(customerId),
      "Ambassador code": "JANE10",
      Amount: 12.5,
      Currency: "USD",
    });
    expect(byHandle.get("ambassador-first-order")?.[0]).toMatchObject({ order_id: 5001 });

    const keys = (await prisma.programEvent.findMany({ where: { shop: TEST_SHOP } })).map((e) => e.key).sort();
    expect(klaviyo.events.map((e) => e.uniqueId).sort()).toEqual(keys);
    expect(klaviyo.eventRequests).toBe(10);
    expect(new Set(klaviyo.events.map((e) => e.metric)).size).toBe(10);
    expect(klaviyo.events.find((e) => e.metric === "Ambassador payout sent")).toMatchObject({
      value: 25,
      properties: { "Ambassador code": "JANE10", Amount: 25, Currency: "USD", "Payout method": "store_credit" },
    });
    expect(klaviyo.events.find((e) => e.metric === "Ambassador application received")?.email).toBe("ann@example.com");
    const email = (await prisma.ambassador.findUniqueOrThrow({ where: { id: ambassadorId } })).email as string;
    expect(klaviyo.profiles.get(email)).toMatchObject({ "Ambassador code": "JANE10", "Ambassador status": "active" });
    // No request the double refused.
    expect(klaviyo.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it("records one event per moment however often its cause is applied", async () => {
    const event: AnyProgramEventInput = { kind: "payout_sent", subject: "p1", ambassadorId, data: { amountCents: 100, method: "cash" } };
    await recordProgramEvent(prisma, TEST_SHOP, event);
    await prisma.$transaction((tx) => recordProgramEvents(tx, TEST_SHOP, [event, event]));
    expect(await prisma.programEvent.count({ where: { shop: TEST_SHOP } })).toBe(1);
  });

  it("a delivery job that fails mid-way is retried and sends nothing twice", async () => {
    await recordProgramEvents(prisma, TEST_SHOP, oneOfEach("b").slice(0, 5));
    await deliverProgramEvents(graphql, TEST_SHOP);
    await recordProgramEvents(prisma, TEST_SHOP, oneOfEach("b").slice(5));
    // Shopify fails the second trigger of this run: the job throws and the queue retries it.
    shop.faults.add({ kind: "http5xx", operationName: "ProgramEventFlowTrigger", times: 1, status: 502 });
    await enqueueProgramEventDelivery(TEST_SHOP);

    expect(shop.faults.pending()).toEqual([]);
    const handles = shop.store.flowTriggers.map((t) => t.handle).sort();
    expect(handles).toEqual(Object.values(PROGRAM_EVENT_KINDS).map((k) => k.handle).sort());
    expect(await prisma.programEvent.count({ where: { shop: TEST_SHOP, flowDeliveredAt: null } })).toBe(0);
  });

  it("a shop whose rate limit other work drained: the run waits it out and fires each trigger once", async () => {
    await recordProgramEvents(prisma, TEST_SHOP, oneOfEach("t"));
    shop.faults.add({ kind: "throttled", operationName: "ProgramEventFlowTrigger", times: 3 });

    const report = await deliverProgramEvents(graphql, TEST_SHOP, new Date(), { throttleBackoffMs: 5 });
    expect(shop.faults.pending()).toEqual([]);
    expect(report.flowSent).toBe(10);
    const handles = shop.store.flowTriggers.map((t) => t.handle).sort();
    expect(handles).toEqual(Object.values(PROGRAM_EVENT_KINDS).map((k) => k.handle).sort());
    expect(await prisma.programEvent.count({ where: { shop: TEST_SHOP, flowDeliveredAt: null } })).toBe(0);
  });

  it("a Klaviyo outage delays events, backs off, and loses none", async () => {
    expect(await saveKlaviyoKey(TEST_SHOP, KEY)).toEqual({ ok: true });
    await recordProgramEvents(prisma, TEST_SHOP, oneOfEach("c"));
    klaviyo.outage = true;
    const t0 = new Date();

    const first = await deliverProgramEvents(graphql, TEST_SHOP, t0);
    expect(first.flowSent).toBe(10); // Flow does not wait for Klaviyo
    expect(first.klaviyoSent).toBe(0);
    expect(first.klaviyoWaitingUntil!.getTime()).toBe(t0.getTime() + 30_000);
    const view = await klaviyoConnectionView(TEST_SHOP);
    expect(view.lastError).toMatch(/Klaviyo is unavailable \(503\)/);
    expect((await programEventStatus(TEST_SHOP)).klaviyoWaiting).toBe(10);

    // Before the backoff has passed, no request goes to Klaviyo.
    const requests = klaviyo.requests.length;
    await deliverProgramEvents(graphql, TEST_SHOP, new Date(t0.getTime() + 10_000));
    expect(klaviyo.requests.length).toBe(requests);

    // Still down after the wait: the next wait doubles.
    const second = await deliverProgramEvents(graphql, TEST_SHOP, new Date(t0.getTime() + 31_000));
    expect(second.klaviyoWaitingUntil!.getTime()).toBe(t0.getTime() + 31_000 + 60_000);

    klaviyo.outage = false;
    const back = await deliverProgramEvents(graphql, TEST_SHOP, new Date(t0.getTime() + 120_000));
    expect(back.klaviyoSent).toBe(10);
    const keys = (await prisma.programEvent.findMany({ where: { shop: TEST_SHOP } })).map((e) => e.key).sort();
    expect(klaviyo.events.map((e) => e.uniqueId).sort()).toEqual(keys);
    expect(klaviyo.eventRequests).toBe(10);
    expect((await klaviyoConnectionView(TEST_SHOP)).lastError).toBeNull();
    expect(shop.store.flowTriggers).toHaveLength(10);
  });

  it("a key Klaviyo stops accepting holds events back, shown to the merchant, until a new key is saved", async () => {
    expect(await saveKlaviyoKey(TEST_SHOP, KEY)).toEqual({ ok: true });
    await recordProgramEvents(prisma, TEST_SHOP, oneOfEach("k").slice(0, 3));
    klaviyo.keys.delete(KEY);
    try {
      expect(await deliverProgramEvents(graphql, TEST_SHOP)).toMatchObject({ klaviyoSent: 0, klaviyoRefused: 0 });
      expect((await klaviyoConnectionView(TEST_SHOP)).lastError).toMatch(/Klaviyo refused the API key \(401\)/);
      klaviyo.keys.add("pk_new_key_after_rotation");
      expect(await saveKlaviyoKey(TEST_SHOP, "pk_new_key_after_rotation")).toEqual({ ok: true });
      expect(await deliverProgramEvents(graphql, TEST_SHOP)).toMatchObject({ klaviyoSent: 3 });
      expect(klaviyo.events).toHaveLength(3);
    } finally {
      klaviyo.keys.add(KEY);
    }
  });

  it("an event Klaviyo cannot take is shown to the merchant and does not hold the others up", async () => {
    expect(await saveKlaviyoKey(TEST_SHOP, KEY)).toEqual({ ok: true });
    await prisma.ambassador.update({ where: { id: ambassadorId }, data: { email: null } });
    await recordProgramEvents(prisma, TEST_SHOP, oneOfEach("d").slice(0, 2));

    const report = await deliverProgramEvents(graphql, TEST_SHOP);
    expect(report).toMatchObject({ flowSent: 2, klaviyoSent: 1, klaviyoRefused: 1 });
    const status = await programEventStatus(TEST_SHOP);
    expect(status.refused).toEqual([
      expect.objectContaining({ name: "Ambassador approved", klaviyoError: expect.stringMatching(/No email address/) }),
    ]);
  });

  it("an ambassador without a Shopify customer: Flow's refusal is recorded, not retried", async () => {
    await prisma.ambassador.update({ where: { id: ambassadorId }, data: { customerId: null } });
    await recordProgramEvents(prisma, TEST_SHOP, oneOfEach("e").slice(2, 3));
    expect(await deliverProgramEvents(graphql, TEST_SHOP)).toMatchObject({ flowSent: 0, flowRefused: 1 });
    expect(await deliverProgramEvents(graphql, TEST_SHOP)).toMatchObject({ flowSent: 0, flowRefused: 0 });
    expect(shop.store.flowTriggers).toHaveLength(0);
    expect((await programEventStatus(TEST_SHOP)).refused[0].flowError).toMatch(/no Shopify customer/);
  });
});
