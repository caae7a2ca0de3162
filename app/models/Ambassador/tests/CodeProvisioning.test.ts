import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import type { LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { storeCandidates } from "#/factories/ambassadors";
import {
  approveApplications,
  approveCandidates,
  changeCode,
  pauseAmbassador,
  reactivateAmbassador,
  removeAmbassador,
} from "../Ambassador.server";
import {
  approvalsInProgress,
  provisionAmbassadors,
  retryHeldUp,
  type ProvisioningOptions,
} from "../CodeProvisioning.server";

const FAST: ProvisioningOptions = { pollIntervalMs: 5, throttleBackoffMs: 5, maxCodeReplacements: 3 };
const PROGRAM_TITLE = "Ambassador program";

let shop: LocalShop;
let graphql: AdminGraphqlClient;

beforeAll(async () => {
  // Shopify Plus' restore rate: the bulk test drains the 2,000-point bucket (so pacing is
  // exercised) without waiting minutes for it to refill.
  shop = await startTestShop({ seed: { customers: 30, orders: 0, seed: 7 }, throttle: { restoreRate: 1_000 } });
  graphql = await adminClientFor(shop);
});
afterAll(async () => {
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  await shop?.close();
});
beforeEach(async () => {
  await deleteShopData(TEST_SHOP);
  // A fresh Shopify side too: no program discount, no tags, no triggers.
  shop.store.discounts.splice(0).forEach((d) => d.codes.slice().forEach((c) => shop.store.removeRedeemCode(d.id, c.id)));
  shop.store.flowTriggers.splice(0);
  for (const customer of shop.store.customers) customer.tags = [];
  shop.store.metafields.clear();
});

/** Codes of the app's program discount in the local shop, upper case, sorted. */
function programCodes(): string[] {
  const discount = shop.store.discounts.find((d) => d.title === PROGRAM_TITLE);
  return (discount?.codes ?? []).map((c) => c.code.toUpperCase()).sort();
}

async function ambassadorsByCustomer() {
  const rows = await prisma.ambassador.findMany({ where: { shop: TEST_SHOP } });
  return new Map(rows.map((a) => [a.customerId as string, a]));
}

function metafield(customerId: string, key: string) {
  const all = [...shop.store.metafields.values()].flat();
  return all.find(
    (m) => m.ownerGid === `gid://shopify/Customer/${customerId}` && m.namespace === "ambassadors" && m.key === key,
  )?.value;
}

describe("approving ambassadors creates their codes in Shopify", () => {
  it("one program discount holds every code; customers are tagged, get metafields and one Flow trigger each", async () => {
    const customers = shop.store.customers.slice(0, 5);
    await storeCandidates(TEST_SHOP, customers);
    const { approved, batchId } = await approveCandidates(TEST_SHOP, customers.map((c) => c.legacyResourceId));
    expect(approved).toHaveLength(5);
    expect(batchId).not.toBeNull();

    await provisionAmbassadors(graphql, TEST_SHOP, FAST);

    const ambassadors = await ambassadorsByCustomer();
    const codes = [...ambassadors.values()].map((a) => a.code as string).sort();
    expect(programCodes()).toEqual(codes);
    expect(shop.store.discounts.filter((d) => d.title === PROGRAM_TITLE)).toHaveLength(1);
    for (const customer of customers) {
      const ambassador = ambassadors.get(customer.legacyResourceId)!;
      expect(ambassador.status).toBe("active");
      expect(ambassador.code).toMatch(new RegExp(`^${(customer.firstName ?? "").toUpperCase().replace(/[^A-Z]/g, "")}\\d{3}$`));
      expect(customer.tags).toContain("ambassador");
      expect(metafield(customer.legacyResourceId, "code")).toBe(ambassador.code);
      expect(metafield(customer.legacyResourceId, "share_link")).toBe(
        `https://${TEST_SHOP}/apps/ambassadors/r/${ambassador.code}`,
      );
    }
    const triggers = shop.store.flowTriggers.filter((t) => t.handle === "ambassador-approved");
    expect(triggers.map((t) => String((t.payload as { customer_id: number }).customer_id)).sort()).toEqual(
      customers.map((c) => c.legacyResourceId).sort(),
    );
    expect(await approvalsInProgress(TEST_SHOP)).toEqual([]);

    // Running again changes nothing: no second trigger, no duplicate code.
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    expect(shop.store.flowTriggers).toHaveLength(5);
    expect(programCodes()).toEqual(codes);
  });

  it("the discount carries the program's offer", async () => {
    const [customer] = shop.store.customers;
    await storeCandidates(TEST_SHOP, [customer]);
    await approveCandidates(TEST_SHOP, [customer.legacyResourceId]);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const discount = shop.store.discounts.find((d) => d.title === PROGRAM_TITLE)!;
    expect(discount.value.percentage).toBeCloseTo(0.1);
    expect(discount.appliesOncePerCustomer).toBe(true);
    expect(discount.combinesWith).toEqual({ orderDiscounts: false, productDiscounts: false, shippingDiscounts: true });
  });

  it("pausing switches the code off in Shopify, reactivating restores the same code", async () => {
    const [first, second] = shop.store.customers;
    await storeCandidates(TEST_SHOP, [first, second]);
    await approveCandidates(TEST_SHOP, [first.legacyResourceId, second.legacyResourceId]);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const ambassador = (await ambassadorsByCustomer()).get(first.legacyResourceId)!;
    const other = (await ambassadorsByCustomer()).get(second.legacyResourceId)!;

    expect(await pauseAmbassador(TEST_SHOP, ambassador.id)).toEqual({ ok: true });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    expect(programCodes()).toEqual([other.code]);
    expect(first.tags).toContain("ambassador"); // a pause keeps the tag

    expect(await reactivateAmbassador(TEST_SHOP, ambassador.id)).toEqual({ ok: true });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    expect(programCodes()).toEqual([ambassador.code, other.code].sort());
    const after = (await ambassadorsByCustomer()).get(first.legacyResourceId)!;
    expect(after.code).toBe(ambassador.code);
    expect(shop.store.flowTriggers).toHaveLength(2); // no second welcome after a pause
  });

  it("removing switches the code off and takes the tag and the code metafields away", async () => {
    const [customer] = shop.store.customers;
    await storeCandidates(TEST_SHOP, [customer]);
    await approveCandidates(TEST_SHOP, [customer.legacyResourceId]);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const ambassador = (await ambassadorsByCustomer()).get(customer.legacyResourceId)!;

    expect(await removeAmbassador(TEST_SHOP, ambassador.id)).toEqual({ ok: true });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    expect(programCodes()).toEqual([]);
    expect(customer.tags).not.toContain("ambassador");
    expect(metafield(customer.legacyResourceId, "code")).toBeUndefined();
    expect(metafield(customer.legacyResourceId, "share_link")).toBeUndefined();
  });

  it("a new code replaces the old one in Shopify; the old one stays in the history", async () => {
    const [customer] = shop.store.customers;
    await storeCandidates(TEST_SHOP, [customer]);
    await approveCandidates(TEST_SHOP, [customer.legacyResourceId]);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const ambassador = (await ambassadorsByCustomer()).get(customer.legacyResourceId)!;

    expect(await changeCode(TEST_SHOP, ambassador.id, " best-friend ")).toEqual({
      ok: false,
      error: "Use only letters A–Z and digits 0–9, without spaces.",
    });
    expect(await changeCode(TEST_SHOP, ambassador.id, "bestfriend10")).toEqual({ ok: true });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);

    expect(programCodes()).toEqual(["BESTFRIEND10"]);
    expect(metafield(customer.legacyResourceId, "code")).toBe("BESTFRIEND10");
    const history = await prisma.ambassadorCode.findMany({ where: { shop: TEST_SHOP, ambassadorId: ambassador.id } });
    expect(history.map((c) => [c.code, c.wanted]).sort()).toEqual(
      [[ambassador.code, "retired"], ["BESTFRIEND10", "active"]].sort(),
    );
    // A retired code is never handed out again.
    expect(await changeCode(TEST_SHOP, ambassador.id, ambassador.code as string)).toMatchObject({ ok: false });
  });

  it("a generated code another discount already uses is replaced; a merchant's code is reported", async () => {
    const [first, second] = shop.store.customers;
    await storeCandidates(TEST_SHOP, [first, second]);
    await approveCandidates(TEST_SHOP, [first.legacyResourceId]);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const discount = shop.store.discounts.find((d) => d.title === PROGRAM_TITLE)!;
    // The merchant's own discount takes the code the next ambassador would get.
    const merchant = shop.store.addCodeDiscount({ ...discount, title: "Black Friday", tags: [], input: {}, createdAt: 0, updatedAt: 0 }, ["FRIDAY"]);
    await approveCandidates(TEST_SHOP, [second.legacyResourceId]);
    const ambassador = (await ambassadorsByCustomer()).get(second.legacyResourceId)!;
    const planned = ambassador.code as string;
    shop.store.addRedeemCode(merchant.id, planned);

    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const replaced = (await ambassadorsByCustomer()).get(second.legacyResourceId)!;
    expect(replaced.code).not.toBe(planned);
    expect(programCodes()).toContain(replaced.code);
    expect(replaced.lastError).toBeNull();
    const events = await prisma.ambassadorEvent.findMany({ where: { shop: TEST_SHOP, ambassadorId: ambassador.id } });
    expect(events.map((e) => e.detail).join("\n")).toContain(`The code ${planned} is already used by another discount`);

    // Typed by the merchant: not silently swapped, the reason is shown.
    expect(await changeCode(TEST_SHOP, ambassador.id, "FRIDAY")).toEqual({ ok: true });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const reported = (await ambassadorsByCustomer()).get(second.legacyResourceId)!;
    expect(reported.code).toBe("FRIDAY");
    expect(reported.lastError).toMatch(/The code FRIDAY is already used by another discount in your store/);
    expect(merchant.codes.map((c) => c.code)).toContain("FRIDAY");
  });

  it("approving 260 candidates adds their codes in 2 calls, paced without THROTTLED, and the progress completes", async () => {
    const many = Array.from({ length: 260 }, (_, i) =>
      shop.store.addCustomer({ firstName: ["Ava", "Noah", "Mia"][i % 3], lastName: `Bulk${i}`, email: `bulk${i}@example.com` }),
    );
    await storeCandidates(TEST_SHOP, many);
    const throttledBefore = shop.store.stats.throttled;
    const creationsBefore = shop.store.redeemCodeBulkCreations.size;
    const { batchId } = await approveCandidates(TEST_SHOP, many.map((c) => c.legacyResourceId));
    const [progress] = await approvalsInProgress(TEST_SHOP);
    expect(progress).toMatchObject({ id: batchId, total: 260, codesLive: 0, welcomed: 0 });

    const report = await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    // 1 code comes with the program discount, 259 in 2 bulk calls (250 + 9).
    expect(shop.store.redeemCodeBulkCreations.size - creationsBefore).toBe(2);
    expect(report.pointsSpent).toBeGreaterThan(2_000); // more than one bucket: pacing mattered
    expect(report.throttled).toBe(0);
    expect(shop.store.stats.throttled).toBe(throttledBefore);
    expect(programCodes()).toHaveLength(260);
    expect(new Set(programCodes()).size).toBe(260);
    const ambassadors = await prisma.ambassador.findMany({ where: { shop: TEST_SHOP } });
    expect(ambassadors.every((a) => a.welcomeSyncedAt !== null && a.lastError === null)).toBe(true);
    expect(await approvalsInProgress(TEST_SHOP)).toEqual([]);
  }, 60_000);

  it("a crash after Shopify accepted the codes resumes without duplicates", async () => {
    const customers = shop.store.customers.slice(0, 4);
    await storeCandidates(TEST_SHOP, customers);
    await approveCandidates(TEST_SHOP, customers.map((c) => c.legacyResourceId));
    // The process dies right after Shopify answered the bulk add (before we wrote it down).
    const crashing: AdminGraphqlClient = (async (operation: string, options?: unknown) => {
      const response = await graphql(operation as never, options as never);
      if (/mutation RedeemCodesAdd|mutation ProgramDiscountCreate/.test(operation)) {
        throw new Error("process killed");
      }
      return response;
    }) as AdminGraphqlClient;
    await expect(provisionAmbassadors(crashing, TEST_SHOP, FAST)).rejects.toThrow("process killed");
    await expect(provisionAmbassadors(crashing, TEST_SHOP, FAST)).rejects.toThrow("process killed");

    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const ambassadors = await ambassadorsByCustomer();
    expect(programCodes()).toEqual([...ambassadors.values()].map((a) => a.code as string).sort());
    expect(shop.store.discounts.filter((d) => d.title === PROGRAM_TITLE)).toHaveLength(1);
    expect([...ambassadors.values()].every((a) => a.lastError === null)).toBe(true);
  });

  it("Shopify refusing the program discount is shown on every waiting ambassador; a retry goes through", async () => {
    const customers = shop.store.customers.slice(0, 2);
    await storeCandidates(TEST_SHOP, customers);
    await approveCandidates(TEST_SHOP, customers.map((c) => c.legacyResourceId));
    shop.faults.add({
      kind: "userErrors",
      operationName: "ProgramDiscountCreate",
      userErrors: [{ field: ["basicCodeDiscount", "customerGets", "value", "percentage"], message: "Value must be between 0.0 and 1.0", code: "VALUE_OUTSIDE_RANGE" }],
    });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const held = [...(await ambassadorsByCustomer()).values()];
    expect(held.map((a) => a.lastError)).toEqual([
      "Shopify refused the program discount: Percentage: value must be between 0.0 and 1.0. Check the offer in Program settings.",
      "Shopify refused the program discount: Percentage: value must be between 0.0 and 1.0. Check the offer in Program settings.",
    ]);
    expect(programCodes()).toEqual([]);
    expect(shop.store.flowTriggers).toHaveLength(0);

    await retryHeldUp(TEST_SHOP);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const done = [...(await ambassadorsByCustomer()).values()];
    expect(done.every((a) => a.lastError === null && a.welcomeSyncedAt !== null)).toBe(true);
    expect(programCodes()).toEqual(done.map((a) => a.code as string).sort());
  });

  it("an applicant without an account is linked to the customer with their email, or gets a new customer", async () => {
    const existing = shop.store.customers[3];
    const now = new Date();
    const [known, fresh] = await Promise.all([
      prisma.ambassadorApplication.create({
        data: { shop: TEST_SHOP, email: existing.email!.toLowerCase(), name: "Known Person", consentedAt: now },
      }),
      prisma.ambassadorApplication.create({
        data: { shop: TEST_SHOP, email: "new.person@example.com", name: "New Person", consentedAt: now },
      }),
    ]);
    const result = await approveApplications(TEST_SHOP, [known.id, fresh.id, "nope"]);
    expect(result.approved).toHaveLength(2);
    expect(result.errors).toEqual([{ id: "nope", message: "No such application" }]);
    const customersBefore = shop.store.customers.length;

    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const ambassadors = await prisma.ambassador.findMany({ where: { shop: TEST_SHOP }, orderBy: { email: "asc" } });
    const linked = ambassadors.find((a) => a.email === existing.email!.toLowerCase())!;
    expect(linked.customerId).toBe(existing.legacyResourceId);
    expect(existing.tags).toContain("ambassador");
    expect(shop.store.customers).toHaveLength(customersBefore + 1);
    const created = shop.store.customers.at(-1)!;
    expect(created).toMatchObject({ email: "new.person@example.com", firstName: "New", lastName: "Person" });
    expect(created.tags).toContain("ambassador");
    expect(ambassadors.find((a) => a.email === "new.person@example.com")!.customerId).toBe(created.legacyResourceId);
    expect(await prisma.ambassadorApplication.count({ where: { shop: TEST_SHOP, status: "approved" } })).toBe(2);
  });
});
