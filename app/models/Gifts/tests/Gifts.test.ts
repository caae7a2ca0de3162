import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import { enqueueProvisioning } from "~/jobs/ambassador-provisioning.server";
import { approveCandidates, removeAmbassador } from "~/models/Ambassador/Ambassador.server";
import type { AdminGraphqlClient } from "~/shopify.server";
import type { LocalShop } from "#/local-shop";
import type { CustomerRecord, ProductRecord } from "#/local-shop/records";
import { adminClientFor, startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { deleteShopData } from "#/factories/orders";
import { storeCandidates } from "#/factories/ambassadors";
import {
  createPendingGifts,
  GIFT_TAG,
  giftBatchesInProgress,
  giftsOf,
  giftTag,
  recordDueGifts,
  refreshGiftStates,
  requestSeasonalGifts,
  requestWelcomeGift,
  retryFailedGifts,
  saveGiftSettings,
} from "../Gifts.server";

const FAST = { throttleBackoffMs: 5 };
const ADDRESS = {
  firstName: "Ada",
  lastName: "Lovelace",
  address1: "1 Loom Lane",
  address2: null,
  city: "Portland",
  province: "OR",
  zip: "97201",
  countryCode: "US",
  phone: null,
};

describe("gift packages as free draft orders", () => {
  let shop: LocalShop;
  let graphql: AdminGraphqlClient;
  let customers: CustomerRecord[];
  let ambassadorIds: string[];
  let socks: ProductRecord;
  let mug: ProductRecord;

  const variantGid = (p: ProductRecord, i = 0) => `gid://shopify/ProductVariant/${p.variants[i].id}`;
  const draftsTagged = (tag: string) => shop.store.draftOrders.filter((d) => d.tags.includes(tag));

  beforeAll(async () => {
    shop = await startTestShop({ seed: { customers: 4, orders: 0, seed: 7 } });
    graphql = await adminClientFor(shop);
    customers = shop.store.customers.slice(0, 3);
    customers[0].defaultAddress = { ...ADDRESS };
    customers[1].defaultAddress = { ...ADDRESS, firstName: "Grace", lastName: "Hopper", address1: "2 Compiler Court" };
    // customers[2] has no address.
    socks = shop.store.addProduct({ title: "Fuzzy socks", variants: [{ title: "Pink", priceCents: 1_200 }, { title: "Blue", priceCents: 1_200 }] });
    mug = shop.store.addProduct({ title: "Ceramic mug", variants: [{ priceCents: 2_400 }] });
  });
  beforeEach(async () => {
    await deleteShopData(TEST_SHOP);
    shop.store.draftOrders.splice(0);
    shop.faults.clear();
    await storeCandidates(TEST_SHOP, customers);
  });
  afterAll(async () => {
    await deleteShopData(TEST_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await shop?.close();
  });

  /** Approves the three candidates; the app links, codes and tags them. */
  async function approve() {
    ({ approved: ambassadorIds } = await approveCandidates(TEST_SHOP, customers.map((c) => c.legacyResourceId)));
    enqueueProvisioning(TEST_SHOP);
    await drainJobs();
  }

  /** The package set up before anyone is approved: approvals send the welcome package. */
  async function welcomeSetUp() {
    await pickPackage();
    await approve();
  }

  async function pickPackage(welcomeOnApproval = true) {
    const saved = await saveGiftSettings(graphql, TEST_SHOP, {
      items: [
        { variantId: variantGid(socks, 0), title: "", quantity: 2 },
        { variantId: variantGid(mug), title: "", quantity: 1 },
      ],
      welcomeOnApproval,
    });
    expect(saved.ok).toBe(true);
  }

  it("sends the welcome package on approval: the package's lines, 100 % off, the default address, tagged", async () => {
    await welcomeSetUp();
    const [gift] = await giftsOf(TEST_SHOP, ambassadorIds[0]);
    expect(gift).toMatchObject({ occasionLabel: "Welcome package", state: "draft", addressMissing: false });
    const draft = shop.store.draftOrders.find((d) => `gid://shopify/DraftOrder/${d.id}` === gift.draftOrderId)!;
    expect(draft.customerId).toBe(customers[0].id);
    expect(draft.lineItems.map((l) => [l.title, l.variantTitle, l.quantity, l.unitPriceCents])).toEqual([
      ["Fuzzy socks", "Pink", 2, 1_200],
      ["Ceramic mug", null, 1, 2_400],
    ]);
    expect(draft.appliedDiscount).toMatchObject({ valueType: "PERCENTAGE", value: 100 });
    expect(shop.store.draftOrderTotalCents(draft)).toBe(0);
    expect(draft.shippingAddress).toMatchObject({ address1: "1 Loom Lane", city: "Portland", zip: "97201" });
    expect(draft.tags).toEqual([GIFT_TAG, giftTag(gift.id)]);
    expect(draft.status).toBe("OPEN");
    expect(draftsTagged(GIFT_TAG)).toHaveLength(3);
  });

  it("a customer without an address gets a draft order to finish, marked address missing", async () => {
    await welcomeSetUp();
    const [gift] = await giftsOf(TEST_SHOP, ambassadorIds[2]);
    expect(gift).toMatchObject({ state: "draft", addressMissing: true });
    expect(draftsTagged(giftTag(gift.id))[0].shippingAddress).toBeNull();

    // The merchant adds the address on the draft order in Shopify: the page stops warning.
    draftsTagged(giftTag(gift.id))[0].shippingAddress = { ...ADDRESS };
    await refreshGiftStates(graphql, TEST_SHOP, { ambassadorId: ambassadorIds[2] });
    expect((await giftsOf(TEST_SHOP, ambassadorIds[2]))[0].addressMissing).toBe(false);
  });

  it("is idempotent per ambassador and occasion: running again creates nothing more", async () => {
    await welcomeSetUp();
    expect(await recordDueGifts(TEST_SHOP)).toBe(0);
    expect((await createPendingGifts(graphql, TEST_SHOP, FAST)).created).toEqual([]);
    expect(draftsTagged(GIFT_TAG)).toHaveLength(3);
  });

  it("a lost answer (created in Shopify, then the connection reset) is found by its tag on retry, not created twice", async () => {
    await approve();
    await pickPackage(false);
    await requestSeasonalGifts(TEST_SHOP, { label: "Holiday 2026", ambassadorIds });
    shop.faults.add({ kind: "networkReset", rootField: "draftOrderCreate", executes: true });
    await expect(createPendingGifts(graphql, TEST_SHOP, FAST)).rejects.toThrow();
    expect(draftsTagged(GIFT_TAG)).toHaveLength(1);
    expect(await prisma.gift.count({ where: { shop: TEST_SHOP, state: "pending" } })).toBe(3);

    const retry = await createPendingGifts(graphql, TEST_SHOP, FAST);
    expect(retry.recovered).toBe(1);
    expect(retry.created).toHaveLength(2);
    const gifts = await prisma.gift.findMany({ where: { shop: TEST_SHOP } });
    expect(gifts.map((g) => g.state)).toEqual(["draft", "draft", "draft"]);
    for (const gift of gifts) {
      const drafts = draftsTagged(giftTag(gift.id));
      expect(drafts).toHaveLength(1);
      expect(gift.draftOrderId).toBe(`gid://shopify/DraftOrder/${drafts[0].id}`);
    }
    // One "gift created" moment per gift for Flow and Klaviyo, the recovered one included.
    const events = await prisma.programEvent.findMany({ where: { shop: TEST_SHOP, kind: "gift_created" } });
    expect(events.map((e) => e.key).sort()).toEqual(gifts.map((g) => `gift_created:${g.id}`).sort());
    expect(events.map((e) => JSON.parse(e.data))).toEqual(gifts.map(() => ({ gift: "Holiday 2026" })));
  });

  it("the gift job retries a lost answer by itself: one draft order per ambassador", async () => {
    shop.faults.add({ kind: "networkReset", rootField: "draftOrderCreate", executes: true });
    await welcomeSetUp();
    expect(shop.store.stats.faultsInjected.networkReset).toBeGreaterThan(0);
    const gifts = await prisma.gift.findMany({ where: { shop: TEST_SHOP } });
    expect(gifts.map((g) => g.state)).toEqual(["draft", "draft", "draft"]);
    expect(draftsTagged(GIFT_TAG)).toHaveLength(3);
    for (const gift of gifts) expect(draftsTagged(giftTag(gift.id))).toHaveLength(1);
  });

  it("a variant deleted in Shopify: the gift fails with a clear error, and is retried after the fix", async () => {
    await approve();
    const spare = shop.store.addProduct({ title: "Spare socks", variants: [{ priceCents: 900 }] });
    expect(
      await saveGiftSettings(graphql, TEST_SHOP, {
        items: [{ variantId: variantGid(spare), title: "", quantity: 1 }],
        welcomeOnApproval: false,
      }),
    ).toMatchObject({ ok: true });
    await requestSeasonalGifts(TEST_SHOP, { label: "Spring 2027", ambassadorIds });
    shop.store.deleteProduct(spare.id);
    const report = await createPendingGifts(graphql, TEST_SHOP, FAST);
    expect(report.failed).toBe(3);
    expect(draftsTagged(GIFT_TAG)).toEqual([]);
    const [gift] = await giftsOf(TEST_SHOP, ambassadorIds[0]);
    expect(gift.state).toBe("failed");
    expect(gift.error).toMatch(/Spare socks no longer exists in Shopify/);

    // Saving a package with a deleted variant is refused too.
    const saved = await saveGiftSettings(graphql, TEST_SHOP, {
      items: [{ variantId: variantGid(spare), title: "Spare socks", quantity: 1 }],
      welcomeOnApproval: true,
    });
    expect(saved).toEqual({ ok: false, errors: { items: expect.stringMatching(/Spare socks no longer exists/) } });

    await prisma.gift.updateMany({
      where: { shop: TEST_SHOP },
      data: { items: [{ variantId: variantGid(mug), title: "Ceramic mug", quantity: 1 }] },
    });
    expect(await retryFailedGifts(TEST_SHOP)).toBe(3);
    expect((await createPendingGifts(graphql, TEST_SHOP, FAST)).created).toHaveLength(3);
  });

  it("shows Shopify's userErrors on the gift", async () => {
    shop.faults.add({ kind: "userErrors", rootField: "draftOrderCreate", userErrors: [{ field: ["customerId"], message: "Customer is blocked" }] });
    await welcomeSetUp();
    const errors = (await prisma.gift.findMany({ where: { shop: TEST_SHOP, state: "failed" } })).map((g) => g.error);
    expect(errors).toEqual([expect.stringContaining("Customer is blocked")]);
  });

  it("reads draft → completed → shipped back from Shopify", async () => {
    await welcomeSetUp();
    const [gift] = await giftsOf(TEST_SHOP, ambassadorIds[0]);
    const draft = draftsTagged(giftTag(gift.id))[0];
    const order = shop.store.completeDraftOrder(draft.id);
    await refreshGiftStates(graphql, TEST_SHOP);
    expect((await giftsOf(TEST_SHOP, ambassadorIds[0]))[0]).toMatchObject({ state: "completed", orderName: order.name });
    shop.store.fulfillOrder(order.id);
    await refreshGiftStates(graphql, TEST_SHOP);
    expect((await giftsOf(TEST_SHOP, ambassadorIds[0]))[0].state).toBe("shipped");
  });

  it("no welcome package unless the merchant asked for one on approval", async () => {
    await pickPackage(false);
    await approve();
    expect(await recordDueGifts(TEST_SHOP)).toBe(0);
  });

  it("turning the welcome on sends nothing to those already in the program; one can be sent by hand", async () => {
    await approve();
    await pickPackage(true);
    expect(await recordDueGifts(TEST_SHOP)).toBe(0);
    expect(await requestWelcomeGift(TEST_SHOP, ambassadorIds[0])).toEqual({ ok: true });
    expect(await requestWelcomeGift(TEST_SHOP, ambassadorIds[0])).toEqual({ ok: true });
    await createPendingGifts(graphql, TEST_SHOP, FAST);
    expect(draftsTagged(GIFT_TAG)).toHaveLength(1);
    expect((await giftsOf(TEST_SHOP, ambassadorIds[0]))[0]).toMatchObject({ occasion: "welcome", state: "draft" });
  });

  it("gifts a tier's ambassadors when the tier sends a gift", async () => {
    await approve();
    await pickPackage(false);
    const tier = await prisma.rewardTier.create({
      data: { shop: TEST_SHOP, name: "Gold", commissionBasisPoints: 1500, tag: "ambassador-gold", giftOnReach: true },
    });
    await prisma.ambassadorTier.create({ data: { shop: TEST_SHOP, ambassadorId: ambassadorIds[1], tierId: tier.id } });
    expect(await recordDueGifts(TEST_SHOP)).toBe(1);
    await createPendingGifts(graphql, TEST_SHOP, FAST);
    expect((await giftsOf(TEST_SHOP, ambassadorIds[1]))[0]).toMatchObject({ occasionLabel: "Reached Gold", state: "draft" });
  });

  it("a seasonal batch: one gift per chosen ambassador, progress, and never twice for one occasion", async () => {
    await approve();
    await pickPackage(false);
    const first = await requestSeasonalGifts(TEST_SHOP, { label: "Holiday 2026", ambassadorIds: ambassadorIds.slice(0, 2) });
    expect(first).toMatchObject({ ok: true, queued: 2, alreadySent: 0 });
    const again = await requestSeasonalGifts(TEST_SHOP, { label: "holiday 2026", ambassadorIds });
    expect(again).toMatchObject({ ok: true, queued: 1, alreadySent: 2 });
    expect(await giftBatchesInProgress(TEST_SHOP)).toMatchObject([
      { occasionLabel: "Holiday 2026", total: 2, created: 0, failed: 0 },
      { occasionLabel: "holiday 2026", total: 1, created: 0, failed: 0 },
    ]);
    const report = await createPendingGifts(graphql, TEST_SHOP, FAST);
    expect(report.created.map((c) => [c.ambassadorId, c.occasion]).sort()).toEqual(
      ambassadorIds.map((id) => [id, "season:holiday-2026"]).sort(),
    );
    expect(draftsTagged(GIFT_TAG)).toHaveLength(3);
    expect(await giftBatchesInProgress(TEST_SHOP)).toEqual([]);

    expect(await requestSeasonalGifts(TEST_SHOP, { label: " ", ambassadorIds: [] })).toEqual({
      ok: false,
      errors: { label: expect.any(String), ambassadors: "Choose at least one active ambassador." },
    });
  });

  it("a gift still pending when its ambassador was removed is not sent, and says so", async () => {
    await approve();
    await pickPackage(false);
    await requestSeasonalGifts(TEST_SHOP, { label: "Holiday 2026", ambassadorIds });
    expect(await removeAmbassador(TEST_SHOP, ambassadorIds[0])).toMatchObject({ ok: true });
    const report = await createPendingGifts(graphql, TEST_SHOP, FAST);
    expect(report.created.map((c) => c.ambassadorId).sort()).toEqual(ambassadorIds.slice(1).sort());
    expect((await giftsOf(TEST_SHOP, ambassadorIds[0]))[0]).toMatchObject({
      state: "failed",
      error: "Holiday 2026 not sent: they are no longer an active ambassador.",
    });
  });
});
