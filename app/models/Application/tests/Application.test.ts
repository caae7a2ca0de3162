import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import type { LocalShop } from "#/local-shop";
import { daysAgo, ingestOrders } from "#/factories/orders";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import {
  deleteStorefrontData,
  proxyRequest,
  seedAmbassador,
  storefrontShops,
} from "~/models/Storefront/tests/storefront-fixtures";
import { action as applyAction } from "~/routes/apps.ambassadors.apply/route";
import { eraseStorefrontPersonalData, submitApplication } from "../Application.server";
import { meetsThreshold } from "../auto-approve.server";

const newShop = storefrontShops();

function form(email: string, extra: Record<string, string> = {}) {
  return { name: "Rita Repeat", email, social_handle: "@rita", reason: "Love it", consent: "on", ...extra };
}

let ip = 0;
const applicant = (customerId: string | null) => ({ customerId, clientIdentity: `192.0.2.${++ip}` });

describe("approving storefront applications at once", () => {
  // The local shop plays Shopify: approval's provisioning job creates the code there.
  const shop = TEST_SHOP;
  let localShop: LocalShop;
  beforeAll(async () => {
    await deleteStorefrontData(shop);
    localShop = await startTestShop({ seed: { customers: 5, orders: 0, seed: 3 } });
    await adminClientFor(localShop);
    await prisma.programSettings.create({ data: { shop, minOrders: 2, recencyDays: 365, currencyCode: "USD" } });
    await ingestOrders(shop, [
      { id: 1, customerId: 501, processedAt: daysAgo(40), totalCents: 3000 },
      { id: 2, customerId: 501, processedAt: daysAgo(10), totalCents: 4000 },
      { id: 3, customerId: 502, processedAt: daysAgo(10), totalCents: 9000 },
    ]);
  });

  afterAll(async () => {
    await drainJobs();
    await deleteStorefrontData(shop);
    await localShop?.close();
  });

  it("leaves applications pending while the program's auto-approve is off", async () => {
    await prisma.ambassadorProgram.upsert({ where: { shop }, create: { shop, autoApprove: false }, update: { autoApprove: false } });
    const result = await submitApplication(shop, applicant("501"), form("rita@example.com"));
    expect(result).toMatchObject({ kind: "accepted", status: "pending", approvedNow: false });
  });

  it("approves a logged-in repeat buyer at once when auto-approve is on, and their code reaches Shopify", async () => {
    await prisma.ambassadorProgram.update({ where: { shop }, data: { autoApprove: true } });
    // Through the signup block, as the shopper applies: the route starts provisioning.
    const request = proxyRequest("/apps/ambassadors/apply", { shop, customerId: "501", form: form("rita@example.com") });
    const response = await applyAction({ request, params: {}, context: {} });
    expect(await response.json()).toMatchObject({ ok: true, status: "approved" });
    const application = await prisma.ambassadorApplication.findUniqueOrThrow({ where: { shop_email: { shop, email: "rita@example.com" } } });
    expect(application).toMatchObject({ status: "approved", submissions: 2 });
    const ambassador = await prisma.ambassador.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: "501" } } });
    expect(ambassador.status).toBe("active");
    expect(application.ambassadorId).toBe(ambassador.id);
    await drainJobs();
    const code = await prisma.ambassadorCode.findFirstOrThrow({ where: { shop, ambassadorId: ambassador.id } });
    expect(code).toMatchObject({ code: ambassador.code, wanted: "active", shopifyState: "present" });
    const codesInShopify = localShop.store.discounts.flatMap((d) => d.codes.map((c) => c.code.toUpperCase()));
    expect(codesInShopify).toContain(ambassador.code);

    // Applying again once approved changes nothing: approved, but not approved now.
    expect(await submitApplication(shop, applicant("501"), form("rita@example.com"))).toMatchObject({ status: "approved", approvedNow: false });
  });

  it("keeps one-time buyers and anonymous applicants pending for the merchant", async () => {
    expect(await submitApplication(shop, applicant("502"), form("once@example.com"))).toMatchObject({ status: "pending" });
    expect(await submitApplication(shop, applicant(null), form("anon@example.com"))).toMatchObject({ status: "pending" });
  });

  it("approves a customer the merchant invited, whatever auto-approve says", async () => {
    await prisma.ambassadorProgram.update({ where: { shop }, data: { autoApprove: false } });
    await seedAmbassador(shop, { customerId: "503", status: "invited", firstName: "Ivy" });
    const result = await submitApplication(shop, applicant("503"), form("ivy@example.com"));
    expect(result).toMatchObject({ kind: "accepted", status: "approved", approvedNow: true });
    const ambassador = await prisma.ambassador.findUniqueOrThrow({ where: { shop_customerId: { shop, customerId: "503" } } });
    expect(ambassador.status).toBe("active");
  });

  it("uses the shop's repeat-buyer rule: orders, net spend and recency", () => {
    const now = new Date("2026-06-01T00:00:00Z");
    const settings = { minOrders: 2, minSpentCents: 5000, recencyDays: 30 };
    const recent = new Date("2026-05-20T00:00:00Z");
    expect(meetsThreshold({ orderCount: 2, netSpentCents: 5000n, lastOrderAt: recent }, settings, now)).toBe(true);
    expect(meetsThreshold({ orderCount: 1, netSpentCents: 9000n, lastOrderAt: recent }, settings, now)).toBe(false);
    expect(meetsThreshold({ orderCount: 3, netSpentCents: 4999n, lastOrderAt: recent }, settings, now)).toBe(false);
    expect(meetsThreshold({ orderCount: 3, netSpentCents: 9000n, lastOrderAt: new Date("2026-04-01T00:00:00Z") }, settings, now)).toBe(false);
    expect(meetsThreshold({ orderCount: 0, netSpentCents: 0n, lastOrderAt: null }, { ...settings, minOrders: 0, minSpentCents: 0 }, now)).toBe(false);
  });
});

describe("customers/redact, storefront side", () => {
  it("erases the customer's applications, content and feedback, and nobody else's", async () => {
    const shop = newShop("erase");
    const other = newShop("erase-other");
    await submitApplication(shop, applicant("601"), form("erin@example.com", { name: "Erin Erased" }));
    await submitApplication(shop, applicant(null), form("Erin.Alt@example.com", { name: "Erin Alt" }));
    await submitApplication(shop, applicant("602"), form("kept@example.com", { name: "Kept Person" }));
    await submitApplication(other, applicant("601"), form("erin@example.com", { name: "Other Shop Erin" }));
    const erin = await seedAmbassador(shop, { customerId: "601", email: "erin@example.com" });
    const kept = await seedAmbassador(shop, { customerId: "602", firstName: "Kept" });
    await prisma.contentSubmission.create({ data: { shop, ambassadorId: erin.id, url: "https://erin.example/p", note: "mine" } });
    await prisma.ambassadorFeedback.create({ data: { shop, ambassadorId: erin.id, rating: 5, message: "I am Erin" } });
    await prisma.contentSubmission.create({ data: { shop, ambassadorId: kept.id, url: "https://kept.example/p" } });
    await prisma.ambassadorFeedback.create({ data: { shop, ambassadorId: kept.id, message: "Keep me" } });

    const erased = await eraseStorefrontPersonalData(shop, { customerId: "601", email: "ERIN.ALT@example.com" });
    expect(erased).toEqual({ applications: 2, contentSubmissions: 1, feedback: 1 });

    const applications = await prisma.ambassadorApplication.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });
    const text = JSON.stringify(applications);
    expect(text).not.toContain("erin");
    expect(text).not.toContain("Erin");
    expect(applications.filter((a) => a.personalDataErasedAt)).toHaveLength(2);
    expect(applications.find((a) => a.customerId === "602")).toMatchObject({ name: "Kept Person", email: "kept@example.com" });
    expect(await prisma.contentSubmission.findFirst({ where: { ambassadorId: erin.id } })).toMatchObject({ url: "(erased)", note: "" });
    expect(await prisma.ambassadorFeedback.findFirst({ where: { ambassadorId: erin.id } })).toMatchObject({ message: "(erased)", rating: 5 });
    expect(await prisma.contentSubmission.findFirst({ where: { ambassadorId: kept.id } })).toMatchObject({ url: "https://kept.example/p" });
    expect(await prisma.ambassadorFeedback.findFirst({ where: { ambassadorId: kept.id } })).toMatchObject({ message: "Keep me" });
    expect(await prisma.ambassadorApplication.findFirst({ where: { shop: other } })).toMatchObject({ name: "Other Shop Erin" });

    // Erasing again does no harm (the linked application is found again by customer id);
    // a new application with the same email starts afresh.
    expect((await eraseStorefrontPersonalData(shop, { customerId: "601", email: "erin@example.com" })).applications).toBe(1);
    const again = await submitApplication(shop, applicant("601"), form("erin@example.com"));
    expect(again).toMatchObject({ kind: "accepted" });
    expect(await prisma.ambassadorApplication.count({ where: { shop, email: "erin@example.com" } })).toBe(1);
  });
});
