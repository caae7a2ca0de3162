/**
 * customers/data_request end to end: Shopify's signed delivery is recorded, the merchant
 * sees it under Data requests and downloads the report of everything the app holds on
 * that customer (and nothing on anyone else); after customers/redact the report no
 * longer holds their personal data.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import type { LocalShop } from "#/local-shop";
import { adminRequest, startTestShop, TEST_SHOP, webhookRequest } from "#/utils/test-shop";
import { adminLoad, answerOf } from "#/utils/route-calls";
import { deleteStorefrontData, seedAmbassador } from "~/models/Storefront/tests/storefront-fixtures";
import { action as dataRequest } from "../../webhooks.customers.data_request";
import { action as customersRedact } from "../../webhooks.customers.redact";
import { loader as reportLoader } from "../../app.data-requests.$id.report/route";
import { loader } from "../route";

const CUSTOMER = "7001";
const OTHER = "7002";

async function clear() {
  await deleteStorefrontData(TEST_SHOP);
  await prisma.customerDataRequest.deleteMany({ where: { shop: TEST_SHOP } });
  await prisma.webhookInbox.deleteMany({ where: { shop: TEST_SHOP } });
}

async function seedCustomer(customerId: string, email: string, code: string) {
  await prisma.orderFact.create({
    data: { shop: TEST_SHOP, orderId: `${customerId}01`, customerId, processedAt: new Date("2026-03-01"), totalCents: 4200n, sourceUpdatedAt: new Date("2026-03-01") },
  });
  await prisma.customerStats.create({
    data: { shop: TEST_SHOP, customerId, orderCount: 1, netSpentCents: 4200n, displayName: `Name ${customerId}`, email },
  });
  const ambassador = await seedAmbassador(TEST_SHOP, { customerId, email, firstName: `Name ${customerId}`, code });
  await prisma.ambassador.update({ where: { id: ambassador.id }, data: { socialHandle: `@handle${customerId}` } });
  await prisma.ambassadorApplication.create({
    data: { shop: TEST_SHOP, email, name: `Name ${customerId}`, reason: `I love it (${customerId})`, customerId, consentedAt: new Date(), status: "approved", ambassadorId: ambassador.id },
  });
  await prisma.contentSubmission.create({ data: { shop: TEST_SHOP, ambassadorId: ambassador.id, url: `https://video.example/${customerId}` } });
  await prisma.ambassadorFeedback.create({ data: { shop: TEST_SHOP, ambassadorId: ambassador.id, rating: 5, message: `Feedback ${customerId}` } });
  await prisma.shareClick.createMany({
    data: ["a", "b", "c"].map((visitorHash) => ({ shop: TEST_SHOP, ambassadorId: ambassador.id, day: "2026-03-02", visitorHash, code })),
  });
  await prisma.attributedOrder.create({
    data: { shop: TEST_SHOP, orderId: `9${customerId}`, ambassadorId: ambassador.id, code, buyerCustomerId: "1", processedAt: new Date("2026-03-03"), netCents: 3000n },
  });
  await prisma.rewardEntry.create({
    data: { shop: TEST_SHOP, ambassadorId: ambassador.id, orderId: `9${customerId}`, sourceKey: `order:9${customerId}:1`, kind: "commission", amountCents: 300n, status: "pending" },
  });
  return ambassador;
}

const status = async (run: () => Promise<Response>) => ((await answerOf(run)) as Response).status;
const listed = async () => (await adminLoad(loader, "/app/data-requests")).requests;

async function download(id: string) {
  const response = await adminLoad(reportLoader, `/app/data-requests/${id}/report`, { id });
  expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="customer-7001-data.json"');
  return response.text();
}

describe("Data requests", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    await clear();
    shop = await startTestShop();
    await seedCustomer(CUSTOMER, "ada@example.com", "ADA123");
    await seedCustomer(OTHER, "bob@example.com", "BOB456");
  });
  afterAll(async () => {
    await shop?.close();
    await clear();
  });

  it("records Shopify's request once and lets the merchant download everything held on that customer only", async () => {
    const payload = {
      shop_id: 1,
      shop_domain: TEST_SHOP,
      orders_requested: [Number(`${CUSTOMER}01`)],
      customer: { id: Number(CUSTOMER), email: "ada@example.com", phone: null },
      data_request: { id: 555 },
    };
    const webhookId = crypto.randomUUID();
    for (let attempt = 0; attempt < 3; attempt++) {
      const request = await webhookRequest("/webhooks/customers/data_request", "customers/data_request", payload, { webhookId });
      expect(await status(() => dataRequest({ request, params: {}, context: {} }))).toBe(200);
    }
    await drainJobs();

    const requests = await listed();
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ customerId: CUSTOMER, email: "ada@example.com", downloadedAt: null });

    const text = await download(requests[0].id);
    const report = JSON.parse(text);
    expect(report.request).toMatchObject({ shopifyDataRequestId: "555", customerId: CUSTOMER, ordersRequested: [`${CUSTOMER}01`] });
    expect(report.customer).toMatchObject({ name: "Name 7001", email: "ada@example.com", orderCount: 1, netSpent: 42 });
    expect(report.orders).toEqual([expect.objectContaining({ orderId: `${CUSTOMER}01`, total: 42 })]);
    expect(report.ambassador).toEqual([expect.objectContaining({ email: "ada@example.com", socialHandle: "@handle7001", code: "ADA123" })]);
    expect(report.applications).toEqual([expect.objectContaining({ reason: "I love it (7001)" })]);
    expect(report.codes).toEqual([expect.objectContaining({ code: "ADA123" })]);
    expect(report.contentLinks).toEqual([expect.objectContaining({ url: "https://video.example/7001" })]);
    expect(report.feedback).toEqual([expect.objectContaining({ message: "Feedback 7001", rating: 5 })]);
    expect(report.shareLinkClicks).toBe(3);
    expect(report.referredOrders).toEqual([expect.objectContaining({ code: "ADA123", net: 30 })]);
    expect(report.rewards).toEqual([expect.objectContaining({ kind: "commission", amount: 3 })]);
    // Nothing of the other customer.
    expect(text).not.toMatch(/bob@example\.com|7002|BOB456/);

    expect((await listed())[0].downloadedAt).not.toBeNull();
  });

  it("another shop's request cannot be downloaded", async () => {
    const foreign = await prisma.customerDataRequest.create({ data: { shop: "someone-else.myshopify.com", customerId: "1", email: "x@example.com" } });
    try {
      const request = await adminRequest(`/app/data-requests/${foreign.id}/report`);
      expect(await status(() => reportLoader({ request, params: { id: foreign.id }, context: {} }))).toBe(404);
    } finally {
      await prisma.customerDataRequest.delete({ where: { id: foreign.id } });
    }
  });

  it("after customers/redact the request keeps no email and the report no personal data", async () => {
    const request = await webhookRequest("/webhooks/customers/redact", "customers/redact", {
      shop_id: 1,
      shop_domain: TEST_SHOP,
      customer: { id: Number(CUSTOMER), email: "ada@example.com", phone: null },
      orders_to_redact: [],
    });
    expect(await status(() => customersRedact({ request, params: {}, context: {} }))).toBe(200);
    await drainJobs();
    const requests = await listed();
    expect(requests[0].email).toBeNull();
    const text = await download(requests[0].id);
    expect(text).not.toMatch(/ada@example\.com|Name 7001|@handle7001|I love it|video\.example|Feedback 7001/);
    // Anonymous aggregates stay.
    expect(JSON.parse(text).shareLinkClicks).toBe(3);
  });
});
