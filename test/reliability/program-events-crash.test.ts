/**
 * Program events across real crashes: the delivery runs in a child process
 * (program-events-child.ts) that is SIGKILLed after Shopify Flow took an event and before
 * the app recorded it, started again and killed after Klaviyo took an event and before the
 * app recorded it, then let finish.
 *
 * Klaviyo: every event arrives exactly once (the resend carries the same unique_id, which
 * Klaviyo, like the double, keeps once). Flow: `flowTriggerReceive` has no idempotency key,
 * so the one event in flight at the kill is fired a second time; every other event fires
 * exactly once (docs/flow-and-klaviyo.md).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { recordProgramEvents } from "~/models/ProgramEvents/ProgramEvents.server";
import { saveKlaviyoKey } from "~/models/ProgramEvents/KlaviyoConnection.server";
import { PROGRAM_EVENT_KINDS } from "~/models/ProgramEvents/kinds";
import type { LocalShop } from "#/local-shop";
import { startLocalKlaviyo, type LocalKlaviyo } from "#/local-klaviyo/server";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { recordReliability } from "./ledger";

const CHILD = path.join(import.meta.dirname, "program-events-child.ts");
const KEY = "pk_local_crash_key_0042";

let shop: LocalShop | undefined;
let klaviyo: LocalKlaviyo | undefined;
let kills = 0;
let lost = 0;

afterAll(async () => {
  recordReliability({ suite: "program-events-crash", faultsInjected: kills, lost });
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  delete process.env.KLAVIYO_API_URL;
  await klaviyo?.close();
  await shop?.close();
});

/** Runs the child to its end, or until `gate` resolves: then SIGKILLs it. */
function runChild(gate?: Promise<void>): Promise<{ ended: "killed" | number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, TEST_SHOP, shop!.url], {
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let killed = false;
  child.stdout.on("data", (chunk) => (output += String(chunk)));
  child.stderr.on("data", (chunk) => (output += String(chunk)));
  void gate?.then(() => {
    if (child.exitCode !== null) return;
    killed = true;
    child.kill("SIGKILL");
  });
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => resolve({ ended: killed && signal === "SIGKILL" ? "killed" : code, output }));
  });
}

describe("program events across a crash", () => {
  it("reach Klaviyo exactly once and Flow once each, but for the one in flight at the kill", async () => {
    await deleteShopData(TEST_SHOP);
    shop = await startTestShop({ seed: { customers: 2, orders: 0, seed: 5 } });
    await adminClientFor(shop);
    klaviyo = await startLocalKlaviyo({ keys: [KEY] });
    process.env.KLAVIYO_API_URL = klaviyo.url;
    const customer = shop.store.customers[0];
    const ambassador = await prisma.ambassador.create({
      data: { shop: TEST_SHOP, customerId: customer.legacyResourceId, status: "active", source: "candidate", email: "jo@example.com", code: "JO15" },
    });
    expect(await saveKlaviyoKey(TEST_SHOP, KEY)).toEqual({ ok: true });
    const a = ambassador.id;
    await recordProgramEvents(prisma, TEST_SHOP, [
      { kind: "application_received", subject: "app1", ambassadorId: null, data: { name: "Jo", email: "jo@example.com", socialHandle: "" } },
      { kind: "ambassador_approved", subject: `${a}:1`, ambassadorId: a, data: {} },
      { kind: "ambassador_paused_or_removed", subject: `${a}:2`, ambassadorId: a, data: { status: "removed" } },
      { kind: "first_attributed_order", subject: a, ambassadorId: a, data: { orderId: "77" } },
      { kind: "reward_earned", subject: "order:77", ambassadorId: a, data: { amountCents: 700, orderId: "77" } },
      { kind: "reward_approved", subject: `77:${a}`, ambassadorId: a, data: { amountCents: 700 } },
      { kind: "payout_sent", subject: "payout1", ambassadorId: a, data: { amountCents: 700, method: "cash" } },
      { kind: "tier_reached", subject: `t1:${a}`, ambassadorId: a, data: { tierName: "Silver", commissionBasisPoints: 1200 } },
      { kind: "milestone_reached", subject: `m1:${a}`, ambassadorId: a, data: { milestoneName: "First sale", bonusCents: 500 } },
      { kind: "gift_created", subject: "gift1", ambassadorId: a, data: { gift: "Tote bag" } },
    ]);
    const keys = (await prisma.programEvent.findMany({ where: { shop: TEST_SHOP } })).map((e) => e.key).sort();

    // 1. Flow takes the first event; its answer never comes and the process is killed.
    shop.faults.add({ kind: "timeout", operationName: "ProgramEventFlowTrigger", executes: true });
    const flowTook = vi.waitFor(() => expect(shop!.store.flowTriggers).toHaveLength(1), { timeout: 60_000, interval: 10 });
    const first = await runChild(flowTook);
    expect(first.ended, first.output).toBe("killed");
    kills++;
    expect(await prisma.programEvent.count({ where: { shop: TEST_SHOP, flowDeliveredAt: { not: null } } })).toBe(0);
    shop.faults.clear();

    // 2. Klaviyo takes three events; the third's answer never comes and the process is killed.
    const klaviyoTook = klaviyo.holdEvent(2);
    const second = await runChild(klaviyoTook);
    expect(second.ended, second.output).toBe("killed");
    kills++;
    expect(await prisma.programEvent.count({ where: { shop: TEST_SHOP, klaviyoDeliveredAt: { not: null } } })).toBe(2);

    // 3. The restart finishes.
    const last = await runChild();
    expect(last.ended, last.output).toBe(0);

    const undelivered = await prisma.programEvent.count({
      where: { shop: TEST_SHOP, OR: [{ flowDeliveredAt: null }, { klaviyoDeliveredAt: null }] },
    });
    if (undelivered > 0) lost++;
    expect(undelivered).toBe(0);

    // Klaviyo: each event exactly once; the one in flight was sent again and deduplicated.
    expect(klaviyo.events.map((e) => e.uniqueId).sort()).toEqual(keys);
    expect(klaviyo.eventRequests).toBe(11);

    // Flow: every trigger once, but the one whose answer the kill lost, which fired twice.
    const fired = new Map<string, number>();
    for (const t of shop.store.flowTriggers) fired.set(t.handle as string, (fired.get(t.handle as string) ?? 0) + 1);
    const expected = new Map(Object.values(PROGRAM_EVENT_KINDS).map((k) => [k.handle as string, 1]));
    expected.set("application-received", 2);
    expect(Object.fromEntries(fired)).toEqual(Object.fromEntries(expected));
  });
});
