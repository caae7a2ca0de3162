/**
 * Every mutation provisioning sends, answered with Shopify's `userErrors`: the merchant
 * sees why on the ambassador, nothing is recorded as done that Shopify did not do, and
 * "Try again" finishes the work once Shopify accepts it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import type { LocalShop } from "#/local-shop";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { storeCandidates } from "#/factories/ambassadors";
import { approveApplications, approveCandidates, pauseAmbassador, removeAmbassador } from "../Ambassador.server";
import { provisionAmbassadors, retryHeldUp, type ProvisioningOptions } from "../CodeProvisioning.server";

const FAST: ProvisioningOptions = { pollIntervalMs: 5, throttleBackoffMs: 5, maxCodeReplacements: 3 };

let shop: LocalShop;
let graphql: AdminGraphqlClient;

beforeAll(async () => {
  shop = await startTestShop({ seed: { customers: 8, orders: 0, seed: 5 } });
  graphql = await adminClientFor(shop);
});
afterAll(async () => {
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  await shop?.close();
});
beforeEach(async () => {
  await deleteShopData(TEST_SHOP);
  shop.faults.clear();
  for (const d of shop.store.discounts) for (const c of d.codes.slice()) shop.store.removeRedeemCode(d.id, c.id);
  shop.store.flowTriggers.splice(0);
  for (const customer of shop.store.customers) customer.tags = [];
  shop.store.metafields.clear();
});

function liveCodes() {
  return shop.store.discounts.filter((d) => d.title === "Ambassador program").flatMap((d) => d.codes.map((c) => c.code));
}

async function approveOne(index = 0) {
  const customer = shop.store.customers[index];
  await storeCandidates(TEST_SHOP, [customer]);
  const { approved } = await approveCandidates(TEST_SHOP, [customer.legacyResourceId]);
  return { customer, id: approved[0] };
}

async function ambassador(id: string) {
  return prisma.ambassador.findUniqueOrThrow({ where: { id } });
}

const refusal = (message: string, field: string[] | null = null) => [{ field, message }];

describe("Shopify's userErrors during provisioning", () => {
  it("discountRedeemCodeBulkAdd: the codes are held up with Shopify's reason, then added on retry", async () => {
    await approveOne(0);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST); // creates the program discount
    const { id } = await approveOne(1);
    shop.faults.add({ kind: "userErrors", operationName: "RedeemCodesAdd", userErrors: refusal("Discount is not active", ["discountId", "status"]) });
    // The discount still exists: this is a refusal, not a deleted discount.
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const held = await ambassador(id);
    expect(held.lastError).toBe("Shopify refused the codes: Program discount: discount is not active.");
    expect(liveCodes()).not.toContain(held.code);

    await retryHeldUp(TEST_SHOP);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    expect(liveCodes()).toContain(held.code);
    expect((await ambassador(id)).lastError).toBeNull();
  });

  it("a program discount deleted in Shopify is created again and every code put back", async () => {
    await approveOne(0);
    await approveOne(1);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const before = liveCodes().sort();
    // The merchant deletes the discount in Shopify admin.
    const discount = shop.store.discounts.find((d) => d.title === "Ambassador program")!;
    expect(shop.store.deleteCodeDiscount(discount.id)).toBe(true);
    await approveOne(2);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const codes = (await prisma.ambassador.findMany({ where: { shop: TEST_SHOP } })).map((a) => a.code as string).sort();
    expect(liveCodes().sort()).toEqual(codes);
    expect(codes).toEqual(expect.arrayContaining(before));
  });

  it("discountCodeRedeemCodeBulkDelete: the code stays on (Shopify still has it) and the reason is shown", async () => {
    const { id } = await approveOne(0);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    await pauseAmbassador(TEST_SHOP, id);
    shop.faults.add({ kind: "userErrors", operationName: "RedeemCodesDelete", userErrors: refusal("Something went wrong, please try again.") });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const paused = await ambassador(id);
    expect(paused.lastError).toBe("Shopify could not switch off the code: Something went wrong, please try again.");
    expect(liveCodes()).toContain(paused.code);
    expect((await prisma.ambassadorCode.findFirstOrThrow({ where: { shop: TEST_SHOP, ambassadorId: id } })).shopifyState).toBe("present");

    await retryHeldUp(TEST_SHOP);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    expect(liveCodes()).not.toContain(paused.code);
  });

  it.each([
    ["AmbassadorMetafieldsSet", "Shopify refused the customer metafields: Value is invalid."],
    ["CustomerTagsAdd", "Shopify refused the customer tag: Value is invalid."],
  ])("%s: the welcome is not marked done, no Flow trigger is sent, and a retry completes it", async (operationName, message) => {
    const { customer, id } = await approveOne(0);
    shop.faults.add({ kind: "userErrors", operationName, userErrors: refusal("Value is invalid") });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const held = await ambassador(id);
    expect(held.lastError).toBe(message);
    expect(held.welcomeSyncedAt).toBeNull();
    expect(shop.store.flowTriggers).toHaveLength(0);

    await retryHeldUp(TEST_SHOP);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    expect((await ambassador(id)).welcomeSyncedAt).not.toBeNull();
    expect(customer.tags).toContain("ambassador");
    expect(shop.store.flowTriggers).toHaveLength(1);
  });

  it("flowTriggerReceive: the ambassador is welcomed anyway and the refusal is in the history", async () => {
    const { id } = await approveOne(0);
    shop.faults.add({ kind: "userErrors", operationName: "AmbassadorApprovedFlowTrigger", userErrors: refusal("Invalid handle", ["handle"]) });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const welcomed = await ambassador(id);
    expect(welcomed.welcomeSyncedAt).not.toBeNull();
    expect(welcomed.lastError).toBeNull();
    const events = await prisma.ambassadorEvent.findMany({ where: { shop: TEST_SHOP, ambassadorId: id, kind: "flow_failed" } });
    expect(events.map((e) => e.detail)).toEqual([
      'Tagged "ambassador"; Shopify Flow refused the trigger: Invalid handle.',
    ]);
  });

  it("tagsRemove: a removed ambassador keeps the tag until Shopify accepts, with the reason shown", async () => {
    const { customer, id } = await approveOne(0);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    await removeAmbassador(TEST_SHOP, id);
    shop.faults.add({ kind: "userErrors", operationName: "CustomerTagsRemove", userErrors: refusal("Customer is locked") });
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    expect((await ambassador(id)).lastError).toBe("Shopify refused to remove the tag: Customer is locked.");
    expect(customer.tags).toContain("ambassador");

    await retryHeldUp(TEST_SHOP);
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    expect(customer.tags).not.toContain("ambassador");
  });

  it("customerCreate: an applicant Shopify will not create is held up with the reason", async () => {
    const application = await prisma.ambassadorApplication.create({
      data: { shop: TEST_SHOP, email: "blocked@example.com", name: "Blocked Person", consentedAt: new Date() },
    });
    const { approved } = await approveApplications(TEST_SHOP, [application.id]);
    shop.faults.add({ kind: "userErrors", operationName: "CustomerCreate", userErrors: refusal("Email contains an invalid domain name", ["email"]) });
    const customersBefore = shop.store.customers.length;
    await provisionAmbassadors(graphql, TEST_SHOP, FAST);
    const held = await ambassador(approved[0]);
    expect(held.lastError).toBe("Shopify could not create the customer: Email contains an invalid domain name.");
    expect(held.customerId).toBeNull();
    expect(shop.store.customers).toHaveLength(customersBefore);
  });
});
