/**
 * Admin API faults (issue 6), operations × faults. Each of the app's Shopify operations —
 * code provisioning, tags, metafields, the Flow trigger, payouts by reward code and store
 * credit, the order check, the history sync — runs as its background job against the local
 * shop while one request of that operation fails: THROTTLED, 5xx, a timeout, a reset
 * connection, each also after Shopify carried it out (`executes`: the answer was lost).
 * The job must end in exactly the state a fault-free run leaves (nothing missing, nothing
 * twice). `userErrors` must be shown to the merchant with nothing half-done, and a retry
 * once Shopify accepts must finish the work.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// The job runner's retry waits (read when it is imported): long enough, scaled down from
// production's 1 s, 2 s, 4 s…, for the local shop's real bucket to refill between attempts
// when a test's faults and retries have drained it.
vi.hoisted(() => {
  process.env.JOB_RETRY_BASE_MS = "150";
});
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { enqueueProvisioning } from "~/jobs/ambassador-provisioning.server";
import { enqueuePayouts } from "~/jobs/reward-payouts.server";
import { requestReconciliation } from "~/jobs/reconciliation.server";
import { enqueueTierTags } from "~/jobs/reward-maturation.server";
import { syncHistoryInBackground } from "~/jobs/history-sync.server";
import { approveCandidates } from "~/models/Ambassador/Ambassador.server";
import { retryHeldUp } from "~/models/Ambassador/CodeProvisioning.server";
import { matureRewards } from "~/models/Rewards/Maturation.server";
import { createPayouts, rewardCodeFor } from "~/models/Rewards/Payouts.server";
import type { FaultSpec, LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { storeCandidates } from "#/factories/ambassadors";
import { createAmbassador, DAY_MS, rewardOrder } from "#/factories/rewards";
import { readAppToml } from "#/demo/app-config";
import { recordReliability } from "./ledger";

const PROGRAM_TITLE = "Ambassador program";
const AMBASSADORS = 3;

/** Transport and rate-limit faults: the job must retry and end as if nothing happened. */
const TRANSIENT: Array<[label: string, fault: Omit<FaultSpec, "operationName">]> = [
  ["THROTTLED twice", { kind: "throttled", times: 2 }],
  ["502", { kind: "http5xx" }],
  ["503 after Shopify carried it out", { kind: "http5xx", status: 503, executes: true }],
  ["a timeout", { kind: "timeout" }],
  ["a timeout after Shopify carried it out", { kind: "timeout", executes: true }],
  ["a reset connection", { kind: "networkReset" }],
  ["a reset connection after Shopify carried it out", { kind: "networkReset", executes: true }],
];

let shop: LocalShop;
let faultsInjected = 0;
let lost = 0;

/** Counts what a case finds wrong for the ledger, then asserts it. */
function expectSame<T>(actual: T, expected: T, what: string) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) lost++;
  expect(actual, what).toEqual(expected);
}

function inject(operationName: string, fault: Omit<FaultSpec, "operationName">) {
  return shop.faults.add({ ...fault, operationName });
}

/** Runs `work` with the fault armed, and checks it was hit (a fault never hit proves nothing). */
async function withFault(operationName: string, fault: Omit<FaultSpec, "operationName">, work: () => Promise<void>) {
  const armed = inject(operationName, fault);
  await work();
  await drainJobs();
  expect(armed.injected, `the ${fault.kind} fault on ${operationName} was never hit`).toBe(fault.times ?? 1);
  faultsInjected += armed.injected;
}

beforeAll(async () => {
  // Short enough for the timeout cases to be quick, long enough that a loaded machine's
  // ordinary requests (2 cores shared by several test runs) do not time out as well.
  process.env.ADMIN_API_TIMEOUT_MS = "1500";
  shop = await startTestShop({ seed: { customers: 8, orders: 40, seed: 21 }, throttle: { restoreRate: 1_000 } });
  await adminClientFor(shop);
});
afterAll(async () => {
  recordReliability({ suite: "admin-api-faults", faultsInjected, lost });
  delete process.env.ADMIN_API_TIMEOUT_MS;
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  await shop?.close();
});
beforeEach(async () => {
  await drainJobs();
  shop.faults.clear();
  await deleteShopData(TEST_SHOP);
  shop.store.discounts.splice(0).forEach((d) => d.codes.slice().forEach((c) => shop.store.removeRedeemCode(d.id, c.id)));
  shop.store.flowTriggers.splice(0);
  for (const customer of shop.store.customers) customer.tags = [];
  shop.store.metafields.clear();
  shop.store.storeCreditAccounts.splice(0);
});

// ---- code provisioning: program discount, codes, tag, metafields, Flow trigger ----------

const customers = () => shop.store.customers.slice(0, AMBASSADORS);

async function approveAndProvision() {
  await storeCandidates(TEST_SHOP, customers());
  await approveCandidates(TEST_SHOP, customers().map((c) => c.legacyResourceId));
  enqueueProvisioning(TEST_SHOP);
  await drainJobs();
}

function programCodes(): string[] {
  return shop.store.discounts
    .filter((d) => d.title === PROGRAM_TITLE)
    .flatMap((d) => d.codes.map((c) => c.code.toUpperCase()))
    .sort();
}

/**
 * What Shopify and our records must say once provisioning is done, whatever happened on the
 * way. `extraTriggers`: Flow triggers sent again because Shopify's answer was lost —
 * flowTriggerReceive has no idempotency key and nothing to read back, so the trigger is
 * at-least-once when the outcome is unknown (the rest is exactly once).
 */
async function expectProvisioned(extraTriggers = 0) {
  const ambassadors = await prisma.ambassador.findMany({ where: { shop: TEST_SHOP }, orderBy: { customerId: "asc" } });
  const codes = await prisma.ambassadorCode.findMany({ where: { shop: TEST_SHOP } });
  expectSame(ambassadors.length, AMBASSADORS, "ambassadors");
  expectSame(programCodes(), ambassadors.map((a) => a.code as string).sort(), "codes in Shopify = codes in our records, each once");
  expectSame(shop.store.discounts.filter((d) => d.title === PROGRAM_TITLE).length, 1, "one program discount");
  expectSame(codes.map((c) => c.shopifyState), codes.map(() => "present"), "every code recorded as present");
  expectSame(ambassadors.map((a) => a.lastError), ambassadors.map(() => null), "no error left on any ambassador");
  for (const customer of customers()) {
    const ambassador = ambassadors.find((a) => a.customerId === customer.legacyResourceId)!;
    expectSame(customer.tags.filter((t) => t === "ambassador").length, 1, `tag on ${customer.legacyResourceId}`);
    const metafield = shop.store.findMetafield(`gid://shopify/Customer/${customer.legacyResourceId}`, "ambassadors", "code");
    expectSame(metafield?.value, ambassador.code, `code metafield of ${customer.legacyResourceId}`);
  }
  const triggered = shop.store.flowTriggers.map((t) => String((t.payload as { customer_id: number }).customer_id)).sort();
  expectSame([...new Set(triggered)], customers().map((c) => c.legacyResourceId).sort(), "a Flow trigger for every ambassador");
  expectSame(triggered.length, AMBASSADORS + extraTriggers, "one Flow trigger per ambassador (plus any whose answer was lost)");
}

const PROVISIONING_OPERATIONS = [
  "ProgramDiscountCreate",
  "RedeemCodesAdd",
  "RedeemCodeBulkCreation",
  "CustomerTagsAdd",
  "AmbassadorMetafieldsSet",
  "AmbassadorApprovedFlowTrigger",
];

describe("code provisioning under transient faults ends with every code once in Shopify and in our records", () => {
  for (const operation of PROVISIONING_OPERATIONS) {
    for (const [label, fault] of TRANSIENT) {
      it(`${operation}: ${label}`, async () => {
        await withFault(operation, fault, approveAndProvision);
        const answerLost = operation === "AmbassadorApprovedFlowTrigger" && fault.executes === true;
        await expectProvisioned(answerLost ? 1 : 0);
      });
    }
  }
});

describe("code provisioning: Shopify's userErrors are shown on the ambassador, nothing is half-done, a retry finishes", () => {
  const refusals: Array<[operation: string, message: string, shownAs: RegExp]> = [
    ["ProgramDiscountCreate", "Value must be between 0.0 and 1.0", /program discount/i],
    ["RedeemCodesAdd", "Too many codes", /too many codes/i],
    ["CustomerTagsAdd", "Customer is locked", /customer is locked/i],
    ["AmbassadorMetafieldsSet", "Metafield definition is invalid", /metafield definition is invalid/i],
  ];
  for (const [operation, message, shownAs] of refusals) {
    it(operation, async () => {
      await withFault(operation, { kind: "userErrors", userErrors: [{ field: null, message }] }, approveAndProvision);
      const held = await prisma.ambassador.findMany({ where: { shop: TEST_SHOP, lastError: { not: null } } });
      expect(held.length, "the refusal is shown on the ambassadors it held up").toBeGreaterThan(0);
      for (const ambassador of held) expect(ambassador.lastError).toMatch(shownAs);
      // Nothing half-done: a code Shopify has is recorded as present, and the other way round.
      const recorded = await prisma.ambassadorCode.findMany({ where: { shop: TEST_SHOP, shopifyState: "present" } });
      expectSame(recorded.map((c) => c.code).sort(), programCodes(), "codes recorded present = codes in Shopify");
      // The merchant's "Try again" once Shopify accepts.
      await retryHeldUp(TEST_SHOP);
      enqueueProvisioning(TEST_SHOP);
      await drainJobs();
      await expectProvisioned();
    });
  }
});

// ---- payouts: reward codes and store credit -----------------------------------------------

const T0 = new Date(Date.now() - 60 * DAY_MS);

async function payoutOf(method: "discount_code" | "store_credit", cents: number) {
  const customer = shop.store.customers[5];
  const ambassador = await createAmbassador(TEST_SHOP, { customerId: customer.legacyResourceId });
  await rewardOrder(TEST_SHOP, { orderId: "o-1", ambassadorId: ambassador.id, netCents: cents * 10, processedAt: T0 }, "order:o-1:1", T0);
  await matureRewards(TEST_SHOP);
  const { created } = await createPayouts(TEST_SHOP, { method });
  return { payoutId: created[0].id, customerId: Number(customer.legacyResourceId) };
}

async function sendPayoutsJob() {
  await enqueuePayouts(TEST_SHOP);
}

describe("payouts under transient faults are paid exactly once", () => {
  for (const operation of ["RewardCodeLookup", "RewardCodeCreate"]) {
    for (const [label, fault] of TRANSIENT) {
      it(`reward code, ${operation}: ${label}`, async () => {
        const { payoutId } = await payoutOf("discount_code", 1_500);
        await withFault(operation, fault, sendPayoutsJob);
        const code = rewardCodeFor(payoutId);
        expectSame(shop.store.discounts.filter((d) => d.codes.some((c) => c.code === code)).length, 1, "one reward code in Shopify");
        expectSame((await prisma.payout.findUniqueOrThrow({ where: { id: payoutId } })).status, "paid", "payout paid");
      });
    }
  }
  for (const operation of ["StoreCreditCredit", "StoreCreditTransactions"]) {
    for (const [label, fault] of TRANSIENT) {
      // The transactions query only runs when a send was interrupted: interrupt one first.
      const interruptFirst = operation === "StoreCreditTransactions";
      it(`store credit, ${operation}: ${label}`, async () => {
        const { payoutId, customerId } = await payoutOf("store_credit", 2_000);
        if (interruptFirst) {
          inject("StoreCreditCredit", { kind: "networkReset", executes: true });
          faultsInjected++;
        }
        await withFault(operation, fault, sendPayoutsJob);
        const balances = shop.store.storeCreditAccountsOf(customerId).map((a) => a.balanceCents);
        expectSame(balances, [2_000], "store credit paid once");
        expectSame((await prisma.payout.findUniqueOrThrow({ where: { id: payoutId } })).status, "paid", "payout paid");
      });
    }
  }

  it("store credit refused (userErrors): the payout shows the reason and nothing is paid", async () => {
    const { payoutId, customerId } = await payoutOf("store_credit", 900);
    await withFault("StoreCreditCredit", { kind: "userErrors", userErrors: [{ field: ["id"], message: "Store credit is not enabled" }] }, sendPayoutsJob);
    const payout = await prisma.payout.findUniqueOrThrow({ where: { id: payoutId } });
    expect(payout).toMatchObject({ status: "failed", error: expect.stringMatching(/Store credit is not enabled/) });
    expectSame(shop.store.storeCreditAccountsOf(customerId), [], "nothing credited");
  });

  it("reward code refused (userErrors): the payout shows the reason and no code exists", async () => {
    const { payoutId } = await payoutOf("discount_code", 700);
    await withFault("RewardCodeCreate", { kind: "userErrors", userErrors: [{ field: ["code"], message: "Amount is too large" }] }, sendPayoutsJob);
    const payout = await prisma.payout.findUniqueOrThrow({ where: { id: payoutId } });
    expect(payout).toMatchObject({ status: "failed", error: expect.stringMatching(/amount is too large/i) });
    const code = rewardCodeFor(payoutId);
    expectSame(shop.store.discounts.filter((d) => d.codes.some((c) => c.code === code)).length, 0, "no reward code");
  });
});

// ---- tier tags: the old tier's tag removed, the new one added ---------------------------

describe("tier tags under transient faults end with exactly the new tier's tag", () => {
  for (const operation of ["CustomerTagsAdd", "CustomerTagsRemove"]) {
    for (const [label, fault] of TRANSIENT) {
      it(`${operation}: ${label}`, async () => {
        const customer = shop.store.customers[6];
        await prisma.rewardTier.create({ data: { shop: TEST_SHOP, name: "Silver", minOrders: 1, commissionBasisPoints: 1200, tag: "ambassador-silver" } });
        await prisma.rewardTier.create({ data: { shop: TEST_SHOP, name: "Gold", minOrders: 2, commissionBasisPoints: 1500, tag: "ambassador-gold" } });
        const ambassador = await createAmbassador(TEST_SHOP, { customerId: customer.legacyResourceId });
        await rewardOrder(TEST_SHOP, { orderId: "t-1", ambassadorId: ambassador.id, netCents: 5_000 }, "order:t-1:1");
        enqueueTierTags(TEST_SHOP);
        await drainJobs();
        expectSame(customer.tags, ["ambassador-silver"], "silver first");
        // The second order moves them to gold: Silver's tag off, Gold's on, under the fault.
        await rewardOrder(TEST_SHOP, { orderId: "t-2", ambassadorId: ambassador.id, netCents: 5_000 }, "order:t-2:1");
        await withFault(operation, fault, async () => enqueueTierTags(TEST_SHOP));
        expectSame(customer.tags, ["ambassador-gold"], "exactly the new tier's tag");
        const standing = await prisma.ambassadorTier.findFirstOrThrow({ where: { shop: TEST_SHOP, ambassadorId: ambassador.id } });
        expectSame([standing.taggedAs, standing.error], ["ambassador-gold", null], "standing recorded, no error");
      });
    }
  }
});

// ---- reads: the order check and the history sync ------------------------------------------

/** As an install does it: on the request path, then in the background. */
async function startHistorySync() {
  const graphql = await adminClientFor(shop);
  await syncHistoryInBackground(graphql, TEST_SHOP, readAppToml().scopes);
}

async function expectHistorySynced() {
  const syncs = await prisma.historySync.findMany({ where: { shop: TEST_SHOP } });
  expectSame(syncs.map((s) => [s.status, s.error]), [["completed", null]], "one sync, completed");
  const facts = await prisma.orderFact.findMany({ where: { shop: TEST_SHOP }, select: { orderId: true } });
  expectSame(facts.map((f) => f.orderId).sort(), shop.store.orders.map((o) => String(o.legacyResourceId)).sort(), "every order once");
}

const READ_FAULTS = TRANSIENT.filter(([, fault]) => !fault.executes);

describe("reads under transient faults are retried and complete", () => {
  for (const [label, fault] of READ_FAULTS) {
    it(`the order check, ReconcileOrders: ${label}`, async () => {
      let runId = "";
      await withFault("ReconcileOrders", fault, async () => {
        runId = (await requestReconciliation(TEST_SHOP, "manual")).id;
      });
      const run = await prisma.reconciliationRun.findUniqueOrThrow({ where: { id: runId } });
      expectSame(run.status, "completed", `the run completed (${run.error ?? ""})`);
    });

    it(`the history sync, BulkOperationStatus: ${label}`, async () => {
      await withFault("BulkOperationStatus", fault, startHistorySync);
      await expectHistorySynced();
    });
  }
  for (const [label, fault] of TRANSIENT) {
    it(`the history sync, RunBulkQuery (the install's request): ${label}`, async () => {
      await withFault("RunBulkQuery", fault, startHistorySync);
      await expectHistorySynced();
    });
  }
});
