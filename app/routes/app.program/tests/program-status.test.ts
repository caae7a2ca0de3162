/**
 * Pausing codes and the program, and what app/uninstalled leaves behind, end to end
 * against the local shop: the merchant pauses the codes before uninstalling (the
 * discount is deactivated in Shopify), the uninstall removes the sessions, pauses the
 * program and records the codes' state; nothing is provisioned while paused, not even
 * after a reinstall, until the merchant resumes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { approveCandidates } from "~/models/Ambassador/Ambassador.server";
import { enqueueProvisioning } from "~/jobs/ambassador-provisioning.server";
import { drainJobs } from "~/jobs/runner.server";
import type { LocalShop } from "#/local-shop";
import { adminClientFor, adminRequest, startTestShop, TEST_SHOP, webhookRequest } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { storeCandidates } from "#/factories/ambassadors";
import { adminLoad, adminPost } from "#/utils/route-calls";
import { action as statusAction } from "../../app.program.status/route";
import { action as uninstalled } from "../../webhooks.app.uninstalled";
import { action as saveOffer, loader } from "../route";

const PROGRAM_TITLE = "Ambassador program";
let shop: LocalShop;

function programDiscount() {
  return shop.store.discounts.find((discount) => discount.title === PROGRAM_TITLE);
}

const post = (intent: string) => adminPost(statusAction, "/app/program/status", { intent });
const status = async () => (await adminLoad(loader, "/app/program")).status;

async function approve(index: number) {
  const customer = shop.store.customers[index];
  await storeCandidates(TEST_SHOP, [customer]);
  await approveCandidates(TEST_SHOP, [customer.legacyResourceId]);
  enqueueProvisioning(TEST_SHOP);
  await drainJobs();
}

async function clear() {
  await deleteShopData(TEST_SHOP);
  await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
  await prisma.shop.deleteMany({ where: { shop: TEST_SHOP } });
  await prisma.webhookInbox.deleteMany({ where: { shop: TEST_SHOP } });
}

describe("program status and uninstall", () => {
  beforeAll(async () => {
    await clear();
    shop = await startTestShop({ seed: { customers: 4, orders: 0, seed: 3 } });
    await adminClientFor(shop);
    await prisma.shop.create({ data: { shop: TEST_SHOP, scopes: "" } });
  });
  afterAll(async () => {
    await drainJobs();
    await clear();
    await shop?.close();
  });

  it("runs, then 'Pause all codes now' deactivates the program discount in Shopify, and a new offer keeps it off", async () => {
    await approve(0);
    expect(programDiscount()?.codes).toHaveLength(1);
    expect(await status()).toMatchObject({ paused: false, hasDiscount: true, codesPaused: false });

    expect(await post("pause-codes")).toMatchObject({ ok: true });
    expect(programDiscount()?.endsAt).not.toBeNull();
    expect(programDiscount()!.endsAt!).toBeLessThanOrEqual(shop.store.now());
    expect(await status()).toMatchObject({ codesPaused: true });

    const saved = await saveOffer({
      request: await adminRequest("/app/program", {
        method: "POST",
        body: new URLSearchParams({ discountKind: "percentage", discountPercent: "20", codeDigits: "3", ambassadorTag: "ambassador", oncePerCustomer: "on" }),
      }),
      params: {},
      context: {},
    });
    expect(saved).toMatchObject({ ok: true });
    expect(programDiscount()?.endsAt).not.toBeNull();
  });

  it("app/uninstalled removes the sessions, pauses the program and records that codes were left paused", async () => {
    const request = await webhookRequest("/webhooks/app/uninstalled", "app/uninstalled", { id: 1, myshopify_domain: TEST_SHOP });
    expect((await uninstalled({ request, params: {}, context: {} })).status).toBe(200);
    await drainJobs();
    expect(await prisma.session.count({ where: { shop: TEST_SHOP } })).toBe(0);
    expect(await prisma.shop.findUnique({ where: { shop: TEST_SHOP } })).toMatchObject({ codesAtUninstall: "paused" });
    expect(await prisma.ambassadorProgram.findUnique({ where: { shop: TEST_SHOP } })).toMatchObject({ pauseReason: "uninstalled" });

    // An approval while uninstalled: the provisioning job does nothing (and calls nothing).
    const callsBefore = shop.store.stats.graphqlRequests;
    await approve(1);
    expect(programDiscount()?.codes).toHaveLength(1);
    expect(shop.store.stats.graphqlRequests).toBe(callsBefore);
  });

  it("after a reinstall the program stays paused until the merchant resumes it", async () => {
    // The merchant opens the app again: token exchange, afterAuth marks the shop installed.
    const reinstalled = await status();
    expect(reinstalled).toMatchObject({ paused: true, pauseReason: "uninstalled", codesAtUninstall: "paused" });
    expect((await prisma.shop.findUnique({ where: { shop: TEST_SHOP } }))?.uninstalledAt).toBeNull();
    enqueueProvisioning(TEST_SHOP);
    await drainJobs();
    expect(programDiscount()?.codes).toHaveLength(1);

    expect(await post("resume-program")).toMatchObject({ ok: true });
    await drainJobs();
    expect(programDiscount()?.codes).toHaveLength(2);
    expect(await status()).toMatchObject({ paused: false });

    expect(await post("resume-codes")).toMatchObject({ ok: true });
    expect(programDiscount()?.endsAt).toBeNull();
  });

  it("without a program discount, pausing codes says why and changes nothing", async () => {
    await prisma.ambassadorProgram.update({ where: { shop: TEST_SHOP }, data: { programDiscountId: null } });
    const result = await post("pause-codes");
    expect(result).toMatchObject({ ok: false, errors: [expect.stringMatching(/no ambassador codes/i)] });
    expect((await prisma.ambassadorProgram.findUnique({ where: { shop: TEST_SHOP } }))?.codesPausedAt).toBeNull();
  });
});
