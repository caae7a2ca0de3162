import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { daysAgo, ingestOrders } from "#/factories/orders";
import {
  installShop,
  proxyRequest,
  respond,
  seedAmbassador,
  storefrontShops,
} from "~/models/Storefront/tests/storefront-fixtures";
import { loader } from "../route";

const newShop = storefrontShops();
const shop = newShop("portal");
const notInstalled = newShop("portal-not-installed");
const otherShop = newShop("portal-other");

const JANE = "201";
const PAUL = "202";
const IVY = "203"; // invited, has not applied
const IAN = "204"; // invited, has applied
const APRIL = "205"; // applied
const NOBODY = "206";
const REMY = "207"; // removed

async function portal(customerId: string | null, forShop = shop) {
  const request = proxyRequest("/apps/ambassadors/portal", { shop: forShop, customerId });
  const response = await respond(() => loader({ request, params: {}, context: {} }));
  expect(response.status).toBe(200);
  expect(response.headers.get("cache-control")).toBe("private, no-store");
  return response.json();
}

let jane: { id: string };
let paul: { id: string };

beforeAll(async () => {
  await installShop(shop);
  await prisma.programSettings.create({ data: { shop, currencyCode: "USD" } });
  await prisma.ambassadorProgram.create({ data: { shop, storefrontUrl: "https://shop.example" } });
  jane = await seedAmbassador(shop, { customerId: JANE, firstName: "Jane", code: "JANE123", previousCodes: ["JANE999"] });
  paul = await seedAmbassador(shop, { customerId: PAUL, firstName: "Paul", status: "paused", code: "PAUL456", wanted: "inactive", shopifyState: "absent" });
  await seedAmbassador(shop, { customerId: IVY, firstName: "Ivy", status: "invited" });
  await seedAmbassador(shop, { customerId: IAN, firstName: "Ian", status: "invited" });
  await seedAmbassador(shop, { customerId: REMY, firstName: "Remy", status: "removed", code: "REMY321", wanted: "inactive", shopifyState: "absent" });
  const application = { shop, name: "x", consentedAt: new Date() };
  await prisma.ambassadorApplication.createMany({
    data: [
      { ...application, email: "ian@example.com", customerId: IAN },
      { ...application, email: "april@example.com", customerId: APRIL },
    ],
  });
  for (let i = 0; i < 3; i++) {
    await prisma.shareClick.create({
      data: { shop, ambassadorId: jane.id, day: `2026-01-0${i + 1}`, visitorHash: `v${i}`, code: "JANE123" },
    });
  }
  await prisma.programNews.createMany({
    data: [
      { shop, title: "Summer launch", body: "New colours on Friday.", publishedAt: new Date(Date.now() - 86_400_000) },
      { shop, title: "Meet-up", body: "See you in Lisbon.", publishedAt: new Date(Date.now() - 2 * 86_400_000) },
      { shop, title: "Scheduled", body: "Not yet.", publishedAt: new Date(Date.now() + 86_400_000) },
    ],
  });
  // Jane's ledger: pending 4.00; ready 10.00 − 1.50 + 3.00 (in a payout under way); paid
  // 20.00. Voided entries, Paul's and another shop's entries are not hers.
  const payout = await prisma.payout.create({ data: { shop, ambassadorId: jane.id, amountCents: 300n, method: "cash" } });
  const entry = (sourceKey: string, amountCents: bigint, status: string, extra: object = {}) => ({
    shop, ambassadorId: jane.id, sourceKey, kind: "commission", amountCents, status, ...extra,
  });
  await prisma.rewardEntry.createMany({
    data: [
      entry("order:1:1", 400n, "pending"),
      entry("order:2:1", 1000n, "approved"),
      { ...entry("adjust:2", -150n, "approved"), kind: "adjustment" },
      entry("order:7:1", 300n, "approved", { payoutId: payout.id }),
      entry("order:0:1", 2000n, "paid"),
      entry("order:5:1", 999n, "void"),
      { ...entry("order:8:1", 250n, "approved"), ambassadorId: paul.id },
      { ...entry("order:1:1", 7777n, "approved"), shop: otherShop },
    ],
  });
  const at = daysAgo(3);
  await ingestOrders(shop, [
    { id: 1, customerId: 9001, processedAt: at, totalCents: 5000, discountCodes: ["JANE123"] },
    { id: 2, customerId: 9002, processedAt: at, totalCents: 3000, refundedCents: 1000, discountCodes: ["welcome10", "jane999"] },
    { id: 3, customerId: 9003, processedAt: at, totalCents: 4000, cancelledAt: at, discountCodes: ["JANE123"] },
    { id: 4, customerId: 9004, processedAt: at, totalCents: 4000, test: true, discountCodes: ["JANE123"] },
    { id: 5, customerId: 9005, processedAt: at, totalCents: 4000, refundedCents: 4000, discountCodes: ["JANE123"] },
    { id: 6, customerId: 9006, processedAt: at, totalCents: 4000, discountCodes: ["JANE1234"] },
    { id: 7, customerId: null, processedAt: at, totalCents: 1500, discountCodes: ["JANE123"] },
    { id: 8, customerId: 9008, processedAt: at, totalCents: 2500, discountCodes: ["PAUL456"] },
  ]);
});

describe("app proxy portal /apps/ambassadors/portal", () => {
  it("tells an anonymous shopper only that the program is open", async () => {
    expect(await portal(null)).toEqual({ open: true, loggedIn: false, membership: "none", news: [] });
  });

  it("says the program is closed where the app is not installed", async () => {
    expect(await portal(JANE, notInstalled)).toEqual({ open: false, loggedIn: true, membership: "none", news: [] });
  });

  it("shows an active ambassador their code, link, numbers and the merchant's news", async () => {
    const view = await portal(JANE);
    expect(view).toEqual({
      open: true,
      loggedIn: true,
      membership: "ambassador",
      ambassador: {
        firstName: "Jane",
        status: "active",
        code: "JANE123",
        codeLive: true,
        shareUrl: "https://shop.example/apps/ambassadors/r/JANE123",
        clicks: 3,
        // Orders 1, 2 (an earlier code of hers) and 7 (a guest); not the cancelled, test,
        // fully refunded or look-alike ones. Revenue is net of refunds.
        orders: 3,
        revenue: "$85.00",
        sharingPaused: null,
        programPaused: false,
        rewards: { pending: "$4.00", ready: "$11.50", paid: "$20.00" },
      },
      news: [
        { id: expect.any(String), title: "Summer launch", body: "New colours on Friday.", publishedAt: expect.any(String) },
        { id: expect.any(String), title: "Meet-up", body: "See you in Lisbon.", publishedAt: expect.any(String) },
      ],
    });
  });

  it("shows a paused ambassador their code as not live, without a share link", async () => {
    const view = await portal(PAUL);
    expect(view.membership).toBe("ambassador");
    expect(view.ambassador).toMatchObject({
      status: "paused",
      code: "PAUL456",
      codeLive: false,
      shareUrl: null,
      sharingPaused: "ambassador",
      orders: 1,
      revenue: "$25.00",
      rewards: { pending: "$0.00", ready: "$2.50", paid: "$0.00" },
    });
    expect(view.news).toHaveLength(2);
  });

  it("shows an invited customer their invitation until they apply", async () => {
    const ivy = await portal(IVY);
    expect(ivy).toMatchObject({ membership: "ambassador", ambassador: { status: "invited", code: null, codeLive: false }, news: [] });
    const ian = await portal(IAN);
    expect(ian).toMatchObject({ membership: "applied", application: { status: "pending" } });
    expect(ian.ambassador).toBeUndefined();
  });

  it("shows an applicant their application's status, and a removed ambassador no news", async () => {
    expect(await portal(APRIL)).toEqual({
      open: true,
      loggedIn: true,
      membership: "applied",
      application: { status: "pending" },
      news: [],
    });
    expect(await portal(REMY)).toMatchObject({ membership: "ambassador", ambassador: { status: "removed", codeLive: false }, news: [] });
  });

  it("shows nobody else's code to a logged-in customer who is not in the program", async () => {
    const view = await portal(NOBODY);
    expect(view).toEqual({ open: true, loggedIn: true, membership: "none", news: [] });
    expect(JSON.stringify(view)).not.toContain("JANE");
  });
});
