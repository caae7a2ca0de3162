import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { submitApplication } from "~/models/Application/Application.server";
import type { LocalShop } from "#/local-shop";
import { startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { adminLoad, adminPost } from "#/utils/route-calls";
import { loader as candidatesLoader, action as candidatesAction } from "../app.candidates._index/route";
import { loader as ambassadorsLoader } from "../app.ambassadors._index/route";
import { loader as applicationsLoader, action as applicationsAction } from "../app.applications._index/route";
import { action as ambassadorAction } from "../app.ambassadors.$id/route";
import { clearTestShop, seedTestShop } from "../app.candidates._index/tests/seed";

// One truth for a customer's status: whichever page a decision is made on, Candidates,
// Ambassadors and Applications show the same status, and their tab counts agree.

/** What each list shows of a customer, and every list's counts. */
async function lists(customerId: string) {
  const candidates = await adminLoad(candidatesLoader, "/app/candidates?q=");
  const approvedTab = await adminLoad(candidatesLoader, "/app/candidates?status=approved");
  const ambassadors = await adminLoad(ambassadorsLoader, "/app/ambassadors");
  const applications = await adminLoad(applicationsLoader, "/app/applications?status=all");
  const ambassador = await prisma.ambassador.findUnique({ where: { shop_customerId: { shop: TEST_SHOP, customerId } } });
  return {
    candidate: candidates.rows.find((row) => row.id === customerId)?.status,
    inApprovedTab: approvedTab.rows.some((row) => row.id === customerId),
    approvedTabCount: approvedTab.totalCount,
    ambassador: ambassadors.rows.find((row) => row.id === ambassador?.id)?.status,
    ambassadorCounts: ambassadors.byStatus,
    applicationCounts: applications.counts,
  };
}

async function ambassadorIdOf(customerId: string) {
  return (await prisma.ambassador.findUniqueOrThrow({ where: { shop_customerId: { shop: TEST_SHOP, customerId } } })).id;
}

async function lifecycle(customerId: string, intent: "pause" | "remove" | "reactivate") {
  const id = await ambassadorIdOf(customerId);
  const result = await adminPost(ambassadorAction, `/app/ambassadors/${encodeURIComponent(id)}`, { intent }, { id });
  expect(result).toMatchObject({ ok: true });
}

describe("a customer's status is the same on every list", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    await seedTestShop();
    shop = await startTestShop();
  });
  afterAll(async () => {
    await shop?.close();
    await clearTestShop();
  });

  it("approving a candidate shows Approved on Candidates and Active on Ambassadors", async () => {
    await adminPost(candidatesAction, "/app/candidates?index", { decision: "approved", customerId: "7" });
    expect(await lists("7")).toMatchObject({
      candidate: "approved",
      inApprovedTab: true,
      approvedTabCount: 1,
      ambassador: "active",
      ambassadorCounts: { invited: 0, active: 1, paused: 0, removed: 0 },
    });
  });

  it("approving an application shows Approved on Candidates too, and the Approved tab counts it", async () => {
    const application = await prisma.ambassadorApplication.create({
      data: { shop: TEST_SHOP, status: "pending", consentedAt: new Date(), name: "Customer 8", email: "customer8@example.com", customerId: "8" },
    });
    await adminPost(applicationsAction, "/app/applications", { intent: "approve", id: application.id });
    expect(await lists("8")).toMatchObject({
      candidate: "approved",
      inApprovedTab: true,
      approvedTabCount: 2,
      ambassador: "active",
      ambassadorCounts: { active: 2 },
      applicationCounts: { pending: 0, approved: 1 },
    });
  });

  it("an invited candidate who accepts from the storefront is Approved everywhere", async () => {
    await adminPost(candidatesAction, "/app/candidates?index", { decision: "invited", customerId: "9" });
    expect(await lists("9")).toMatchObject({ candidate: "invited", ambassador: "invited", ambassadorCounts: { invited: 1 } });

    const applied = await submitApplication(
      TEST_SHOP,
      { customerId: "9", clientIdentity: null },
      { name: "Customer 9", email: "customer9@example.com", consent: "on" },
    );
    expect(applied).toMatchObject({ kind: "accepted", status: "approved" });
    expect(await lists("9")).toMatchObject({
      candidate: "approved",
      inApprovedTab: true,
      approvedTabCount: 3,
      ambassador: "active",
      ambassadorCounts: { invited: 0, active: 3 },
      applicationCounts: { approved: 2 },
    });
  });

  it("pausing, removing and reactivating keep Candidates and Ambassadors in step", async () => {
    await lifecycle("8", "pause");
    expect(await lists("8")).toMatchObject({ candidate: "approved", ambassador: "paused", ambassadorCounts: { active: 2, paused: 1 } });

    await lifecycle("8", "remove");
    expect(await lists("8")).toMatchObject({
      candidate: "dismissed",
      inApprovedTab: false,
      approvedTabCount: 2,
      ambassador: "removed",
      ambassadorCounts: { active: 2, paused: 0, removed: 1 },
    });

    await lifecycle("8", "reactivate");
    expect(await lists("8")).toMatchObject({
      candidate: "approved",
      inApprovedTab: true,
      approvedTabCount: 3,
      ambassador: "active",
      ambassadorCounts: { active: 3, paused: 0, removed: 0 },
    });
  });
});
