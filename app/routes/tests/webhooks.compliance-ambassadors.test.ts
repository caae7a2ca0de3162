import { afterAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { TEST_SHOP, webhookRequest } from "#/utils/test-shop";
import { deleteShopData, uniqueShop } from "#/factories/orders";
import { drainWebhookInbox } from "~/jobs/webhook-inbox.server";
import { action as shopRedact } from "../webhooks.shop.redact";
import { action as customersRedact } from "../webhooks.customers.redact";

const OTHER = uniqueShop("other");
const CUSTOMER_ID = "7001";

/** One ambassador with everything the program stores about them, in `shop`. */
async function seedAmbassador(shop: string) {
  const ambassador = await prisma.ambassador.create({
    data: {
      shop, customerId: CUSTOMER_ID, status: "active", source: "application",
      firstName: "Jane", lastName: "Doe", email: "jane@example.com", socialHandle: "@jane",
      notes: "Met at the market", code: "JANE123",
    },
  });
  await prisma.ambassadorCode.create({ data: { shop, ambassadorId: ambassador.id, code: "JANE123", shopifyState: "present" } });
  await prisma.ambassadorApplication.create({
    data: {
      shop, email: "jane@example.com", name: "Jane Doe", socialHandle: "@jane", reason: "Love the mugs",
      customerId: CUSTOMER_ID, status: "approved", ambassadorId: ambassador.id, consentedAt: new Date(),
    },
  });
  await prisma.contentSubmission.create({ data: { shop, ambassadorId: ambassador.id, url: "https://video.example/jane", note: "My unboxing" } });
  await prisma.ambassadorFeedback.create({ data: { shop, ambassadorId: ambassador.id, rating: 5, message: "I'm Jane, call me" } });
  await prisma.shareClick.create({ data: { shop, ambassadorId: ambassador.id, day: "2026-11-25", visitorHash: "h", code: "JANE123" } });
  await prisma.ambassadorEvent.create({ data: { shop, ambassadorId: ambassador.id, kind: "approved", detail: "Code JANE123" } });
  await prisma.programNews.create({ data: { shop, title: "Launch", body: "New range" } });
  await prisma.customerStats.create({
    data: { shop, customerId: CUSTOMER_ID, displayName: "Jane Doe", email: "jane@example.com", orderCount: 3, emailSubscribed: true, reviewCount: 1 },
  });
  await prisma.customerReview.create({
    data: { shop, source: "judgeme", reviewKey: "h:1", email: "jane@example.com", customerId: CUSTOMER_ID, rating: 5, reviewedAt: new Date(), body: "Love the mugs" },
  });
  // Matched by nothing but the handle Jane gave at signup.
  await prisma.socialMention.create({ data: { shop, mentionKey: "h:2", handle: "jane", mentions: 2, mentionedAt: new Date() } });
  return ambassador;
}

/** Delivers it, then waits for the inbox job to apply it. */
async function deliver(action: typeof shopRedact, uri: string, topic: string, payload: unknown) {
  const response = await action({ request: await webhookRequest(uri, topic, payload), params: {}, context: {} });
  await drainWebhookInbox(TEST_SHOP);
  return response.status;
}

describe("compliance webhooks and the ambassador program", () => {
  beforeEach(async () => {
    await deleteShopData(TEST_SHOP, OTHER);
    await prisma.webhookInbox.deleteMany({ where: { shop: { in: [TEST_SHOP, OTHER] } } });
  });
  afterAll(() => deleteShopData(TEST_SHOP, OTHER));

  it("customers/redact erases what identifies the ambassador, keeps code, counts and history", async () => {
    const ambassador = await seedAmbassador(TEST_SHOP);
    const other = await seedAmbassador(OTHER);
    const payload = { shop_domain: TEST_SHOP, customer: { id: Number(CUSTOMER_ID), email: "jane@example.com" }, orders_to_redact: [] };
    expect(await deliver(customersRedact, "/webhooks/customers/redact", "customers/redact", payload)).toBe(200);

    const erased = await prisma.ambassador.findUniqueOrThrow({ where: { id: ambassador.id } });
    expect(erased).toMatchObject({ firstName: null, lastName: null, email: null, socialHandle: null, notes: "", code: "JANE123", status: "active" });
    expect(erased.personalDataErasedAt).not.toBeNull();
    const application = await prisma.ambassadorApplication.findFirstOrThrow({ where: { shop: TEST_SHOP } });
    expect(application).toMatchObject({ name: "(erased)", socialHandle: "", reason: "", status: "approved" });
    expect(application.email).not.toContain("jane");
    expect(await prisma.contentSubmission.findFirstOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({ url: "(erased)", note: "" });
    expect(await prisma.ambassadorFeedback.findFirstOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({ message: "(erased)", rating: 5 });
    expect(await prisma.shareClick.count({ where: { shop: TEST_SHOP } })).toBe(1);
    // Reviews, mentions (found by the signup handle) and marketing consent are gone.
    expect(await prisma.customerReview.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await prisma.socialMention.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await prisma.customerStats.findFirstOrThrow({ where: { shop: TEST_SHOP } })).toMatchObject({ emailSubscribed: null, reviewCount: 0 });
    expect(await prisma.customerReview.count({ where: { shop: OTHER } })).toBe(1);
    expect(await prisma.socialMention.count({ where: { shop: OTHER } })).toBe(1);
    expect(await prisma.ambassadorCode.count({ where: { shop: TEST_SHOP } })).toBe(1);

    // The same customer id in another shop is another person's data: untouched.
    expect(await prisma.ambassador.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ firstName: "Jane", email: "jane@example.com" });
    expect(await prisma.ambassadorApplication.findFirstOrThrow({ where: { shop: OTHER } })).toMatchObject({ name: "Jane Doe" });
  });

  it("shop/redact erases every table of that shop and nothing of another", async () => {
    await seedAmbassador(TEST_SHOP);
    await seedAmbassador(OTHER);
    expect(await deliver(shopRedact, "/webhooks/shop/redact", "shop/redact", { shop_id: 1, shop_domain: TEST_SHOP })).toBe(200);
    const counts = async (shop: string) =>
      Promise.all([
        prisma.ambassador.count({ where: { shop } }),
        prisma.ambassadorCode.count({ where: { shop } }),
        prisma.ambassadorApplication.count({ where: { shop } }),
        prisma.contentSubmission.count({ where: { shop } }),
        prisma.ambassadorFeedback.count({ where: { shop } }),
        prisma.shareClick.count({ where: { shop } }),
        prisma.ambassadorEvent.count({ where: { shop } }),
        prisma.programNews.count({ where: { shop } }),
        prisma.customerStats.count({ where: { shop } }),
        prisma.customerReview.count({ where: { shop } }),
        prisma.socialMention.count({ where: { shop } }),
      ]);
    expect(await counts(TEST_SHOP)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(await counts(OTHER)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
});
