import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { enqueueProvisioning } from "~/jobs/ambassador-provisioning.server";
import { approveCandidates } from "~/models/Ambassador/Ambassador.server";
import type { LocalShop } from "#/local-shop";
import type { ProductRecord } from "#/local-shop/records";
import { adminClientFor, adminRequest, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { storeCandidates } from "#/factories/ambassadors";
import { attributeOrder } from "#/factories/rewards";
import { action, loader } from "../route";
import { action as detailAction, loader as detailLoader } from "../../app.ambassadors.$id/route";
import { action as settingsAction, loader as settingsLoader } from "../../app.rewards.settings/route";

async function post(path: string, fields: Record<string, string>) {
  return adminRequest(path, { method: "POST", body: new URLSearchParams(fields) });
}
const args = async (request: Request | Promise<Request>, params: Record<string, string> = {}) => ({
  request: await request,
  params,
  context: {},
});

describe("Gifts page, the ambassador page's gifts, and tier early access", () => {
  let shop: LocalShop;
  let socks: ProductRecord;
  let ids: string[];
  const socksGid = () => `gid://shopify/ProductVariant/${socks.variants[0].id}`;
  const gifts = () => shop.store.draftOrders.filter((d) => d.tags.includes("ambassador-gift"));

  beforeAll(async () => {
    shop = await startTestShop({ seed: { customers: 3, orders: 0, seed: 11 } });
    await adminClientFor(shop);
    socks = shop.store.addProduct({ title: "Fuzzy socks", variants: [{ title: "Pink", priceCents: 1_200 }] });
    shop.store.customers[0].defaultAddress = {
      firstName: "Ada", lastName: "L", address1: "1 Loom Lane", address2: null, city: "Portland",
      province: "OR", zip: "97201", countryCode: "US", phone: null,
    };
  });
  beforeEach(async () => {
    await deleteShopData(TEST_SHOP);
    shop.store.draftOrders.splice(0);
    await storeCandidates(TEST_SHOP, shop.store.customers.slice(0, 2));
  });
  afterAll(async () => {
    await deleteShopData(TEST_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await shop?.close();
  });

  async function approve() {
    ({ approved: ids } = await approveCandidates(TEST_SHOP, shop.store.customers.slice(0, 2).map((c) => c.legacyResourceId)));
    enqueueProvisioning(TEST_SHOP);
    await drainJobs();
  }
  const savePackage = async (items: unknown, welcome: boolean) =>
    action(await args(post("/app/gifts", { intent: "package", items: JSON.stringify(items), ...(welcome ? { welcomeOnApproval: "on" } : {}) })));

  it("saves the picked package with Shopify's titles; refuses a variant Shopify no longer has", async () => {
    expect(await savePackage([{ variantId: socksGid(), title: "picked", quantity: "2" }], true)).toMatchObject({ ok: true });
    expect((await loader(await args(adminRequest("/app/gifts")))).settings).toMatchObject({
      items: [{ variantId: socksGid(), title: "Fuzzy socks - Pink", quantity: 2 }],
      welcomeOnApproval: true,
    });
    const gone = "gid://shopify/ProductVariant/999";
    expect(await savePackage([{ variantId: gone, title: "Old mug", quantity: 1 }], true)).toEqual({
      ok: false,
      intent: "package",
      errors: { items: "Old mug no longer exists in Shopify: pick the products again." },
    });
    expect(await savePackage([], true)).toMatchObject({ ok: false, errors: { items: expect.stringMatching(/at least one product/) } });
    expect(await savePackage("not a list", false)).toMatchObject({ ok: false, intent: "package" });
  });

  it("approval sends the welcome package; the ambassador page shows it, its address, and its state from Shopify", async () => {
    await savePackage([{ variantId: socksGid(), title: "", quantity: 1 }], true);
    await approve();
    expect(gifts()).toHaveLength(2);

    const withAddress = await detailLoader(await args(adminRequest(`/app/ambassadors/${ids[0]}`), { id: ids[0] }));
    expect(withAddress.gifts).toMatchObject([{ occasionLabel: "Welcome package", state: "draft", addressMissing: false }]);
    expect(withAddress.canSendWelcome).toBe(false);
    const noAddress = await detailLoader(await args(adminRequest(`/app/ambassadors/${ids[1]}`), { id: ids[1] }));
    expect(noAddress.gifts).toMatchObject([{ state: "draft", addressMissing: true }]);

    const draft = gifts().find((d) => d.customerId === shop.store.customers[0].id)!;
    const order = shop.store.completeDraftOrder(draft.id);
    shop.store.fulfillOrder(order.id);
    const shipped = await detailLoader(await args(adminRequest(`/app/ambassadors/${ids[0]}`), { id: ids[0] }));
    expect(shipped.gifts).toMatchObject([{ state: "shipped", orderName: order.name }]);
  });

  it("sends the welcome package by hand from the ambassador page, once", async () => {
    await approve();
    await savePackage([{ variantId: socksGid(), title: "", quantity: 1 }], false);
    const page = await detailLoader(await args(adminRequest(`/app/ambassadors/${ids[0]}`), { id: ids[0] }));
    expect(page.canSendWelcome).toBe(true);
    const send = async () => {
      const result = await detailAction(await args(post(`/app/ambassadors/${ids[0]}`, { intent: "gift-welcome" }), { id: ids[0] }));
      await drainJobs();
      return result;
    };
    expect(await send()).toMatchObject({ ok: true });
    expect(await send()).toMatchObject({ ok: true });
    expect(gifts()).toHaveLength(1);
    expect((await detailLoader(await args(adminRequest(`/app/ambassadors/${ids[0]}`), { id: ids[0] }))).canSendWelcome).toBe(false);
  });

  it("a seasonal batch creates one draft order per active ambassador and shows it as it goes", async () => {
    await approve();
    await savePackage([{ variantId: socksGid(), title: "", quantity: 1 }], false);
    expect(await action(await args(post("/app/gifts", { intent: "seasonal", label: "", target: "all" })))).toMatchObject({
      ok: false,
      errors: { label: expect.any(String) },
    });
    const result = await action(await args(post("/app/gifts", { intent: "seasonal", label: "Holiday 2026", target: "all" })));
    expect(result).toEqual({ ok: true, intent: "seasonal", message: "Creating 2 draft orders in Shopify." });
    await drainJobs();
    expect(gifts()).toHaveLength(2);
    const page = await loader(await args(adminRequest("/app/gifts")));
    expect(page.batches).toEqual([]);
    expect(page.recent.map((g) => [g.occasionLabel, g.state])).toEqual([
      ["Holiday 2026", "draft"],
      ["Holiday 2026", "draft"],
    ]);
    const again = await action(await args(post("/app/gifts", { intent: "seasonal", label: "Holiday 2026", target: "all" })));
    expect(again).toMatchObject({ ok: true, message: "Nothing to create. 2 already had a gift for this occasion and are left out." });
  });

  it("a failed gift is shown with Shopify's reason and tried again from the ambassador page", async () => {
    await approve();
    await savePackage([{ variantId: socksGid(), title: "", quantity: 1 }], false);
    shop.faults.add({ kind: "userErrors", rootField: "draftOrderCreate", userErrors: [{ field: ["customerId"], message: "Customer is blocked" }] });
    await action(await args(post("/app/gifts", { intent: "seasonal", label: "Spring", target: "all" })));
    await drainJobs();
    const failedId = (await prisma.gift.findFirstOrThrow({ where: { shop: TEST_SHOP, state: "failed" } })).ambassadorId;
    const page = await detailLoader(await args(adminRequest(`/app/ambassadors/${failedId}`), { id: failedId }));
    expect(page.gifts).toMatchObject([{ state: "failed", error: expect.stringContaining("Customer is blocked") }]);
    await detailAction(await args(post(`/app/ambassadors/${failedId}`, { intent: "gift-retry" }), { id: failedId }));
    await drainJobs();
    expect(gifts()).toHaveLength(2);
  });

  it("a tier saved with early access and a gift keeps both; reaching it tags the customer and sends the package", async () => {
    await approve();
    await savePackage([{ variantId: socksGid(), title: "", quantity: 1 }], false);
    await attributeOrder(TEST_SHOP, { orderId: "o-1", ambassadorId: ids[0], netCents: 5_000, processedAt: new Date() });
    const saved = await settingsAction(
      await args(
        post("/app/rewards/settings", {
          intent: "tier-save", name: "Gold", minSales: "", minOrders: "1", commissionPercent: "15",
          tag: "ambassador-gold", earlyAccess: "on", giftOnReach: "on",
        }),
      ),
    );
    expect(saved).toMatchObject({ ok: true });
    await drainJobs();
    const page = await settingsLoader(await args(adminRequest("/app/rewards/settings")));
    expect(page.tiers).toMatchObject([{ name: "Gold", tag: "ambassador-gold", earlyAccess: "on", giftOnReach: "on" }]);
    // The ambassador with an order reached Gold: its tag (what early access keys on) is on
    // their customer, not on the other's, and Gold's gift went out to them alone.
    expect(shop.store.customers[0].tags).toContain("ambassador-gold");
    expect(shop.store.customers[1].tags).not.toContain("ambassador-gold");
    const reached = await prisma.gift.findMany({ where: { shop: TEST_SHOP, occasion: { startsWith: "tier:" } } });
    expect(reached.map((g) => [g.ambassadorId, g.occasionLabel, g.state])).toEqual([[ids[0], "Reached Gold", "draft"]]);
  });
});
