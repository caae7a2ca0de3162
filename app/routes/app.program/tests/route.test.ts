import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { getAmbassadorProgram } from "~/models/AmbassadorProgram/AmbassadorProgram.server";
import type { LocalShop } from "#/local-shop";
import { startTestShop, TEST_SHOP } from "#/utils/test-shop";
import { adminLoad, adminPost } from "#/utils/route-calls";
import { deleteShopData } from "#/factories/orders";
import { action, loader } from "../route";

const VALID = {
  discountKind: "percentage",
  discountPercent: "15",
  discountAmount: "",
  minimumOrder: "40",
  oncePerCustomer: "on",
  combinesWithShipping: "on",
  discountEndsOn: "",
  codeDigits: "4",
  ambassadorTag: "brand-ambassador",
};

const save = (fields: Record<string, string>) => adminPost(action, "/app/program", fields);
const load = () => adminLoad(loader, "/app/program");

describe("Offer and codes page", () => {
  let shop: LocalShop;
  beforeAll(async () => {
    shop = await startTestShop({ seed: { customers: 3, orders: 0, seed: 1 } });
  });
  beforeEach(() => deleteShopData(TEST_SHOP));
  afterAll(async () => {
    await deleteShopData(TEST_SHOP);
    await prisma.session.deleteMany({ where: { shop: TEST_SHOP } });
    await shop?.close();
  });

  it("shows the defaults: 10 % once per customer, combinable with shipping, 3-digit codes", async () => {
    const data = await load();
    expect(data.values).toMatchObject({
      discountKind: "percentage",
      discountPercent: "10",
      oncePerCustomer: true,
      combinesWithShipping: true,
      codeDigits: "3",
      ambassadorTag: "ambassador",
      autoApprove: false,
    });
    expect(data.discountCreated).toBe(false);
  });

  it("ends the offer at the end of the chosen day in the shop's time zone", async () => {
    const timeZone = shop.store.shop.ianaTimezone;
    shop.store.shop.ianaTimezone = "Pacific/Auckland";
    // The app asks Shopify again (its daily check is due).
    await prisma.shop.updateMany({ where: { shop: TEST_SHOP }, data: { timezoneCheckedAt: null } });
    try {
      expect(await save({ ...VALID, discountEndsOn: "2031-01-31" })).toMatchObject({ ok: true });
      // Auckland is 13 hours ahead of UTC in January: its Jan 31 ends at 10:59:59 UTC.
      expect((await getAmbassadorProgram(TEST_SHOP)).discountEndsAt?.toISOString()).toBe("2031-01-31T10:59:59.000Z");
      const data = await load();
      expect(data.values.discountEndsOn).toBe("2031-01-31");
    } finally {
      shop.store.shop.ianaTimezone = timeZone;
      await prisma.shop.updateMany({ where: { shop: TEST_SHOP }, data: { timezoneCheckedAt: null } });
    }
  });

  it("reports every invalid field and saves nothing", async () => {
    const result = await save({
      ...VALID,
      discountKind: "fixed_amount",
      discountAmount: "5.555",
      minimumOrder: "-1",
      discountEndsOn: "2001-01-01",
      codeDigits: "9",
      ambassadorTag: "a,b",
    });
    expect(result).toMatchObject({
      ok: false,
      errors: {
        discountAmount: "Amount off can have at most 2 decimal places",
        minimumOrder: expect.stringMatching(/^Minimum order must be an amount/),
        discountEndsOn: "End date must be in the future",
        codeDigits: "Digits must be between 2 and 4",
        ambassadorTag: "Tag can't contain a comma",
      },
    });
    expect(await prisma.ambassadorProgram.findUnique({ where: { shop: TEST_SHOP } })).toBeNull();
  });

  it("saves the offer, and updates the program discount in Shopify once it exists", async () => {
    expect(await save(VALID)).toMatchObject({ ok: true });
    expect(await getAmbassadorProgram(TEST_SHOP)).toMatchObject({
      discountPercent: 15,
      minimumOrderCents: 4000,
      codeDigits: 4,
      ambassadorTag: "brand-ambassador",
      combinesWithOrder: false,
    });

    const discount = shop.store.addCodeDiscount(
      {
        title: "Ambassador program", startsAt: Date.now(), endsAt: null,
        value: { percentage: 0.15, amountCents: null, appliesOnEachItem: false },
        appliesOnOneTimePurchase: true, appliesOnSubscription: false,
        combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
        minimumRequirement: null, appliesOncePerCustomer: true, usageLimit: null, recurringCycleLimit: null,
        context: { kind: "all" }, tags: [], createdAt: Date.now(), updatedAt: Date.now(), input: {},
      },
      ["JANE123"],
    );
    await prisma.ambassadorProgram.update({
      where: { shop: TEST_SHOP },
      data: { programDiscountId: `gid://shopify/DiscountCodeNode/${discount.id}` },
    });
    expect(await save({ ...VALID, discountKind: "fixed_amount", discountAmount: "7.50", combinesWithOrder: "on" })).toMatchObject({ ok: true });
    expect(discount.value).toMatchObject({ percentage: null, amountCents: 750 });
    expect(discount.combinesWith.orderDiscounts).toBe(true);
    expect(discount.minimumRequirement).toMatchObject({ subtotalCents: 4000 });
  });

  it("shows Shopify's userErrors in plain words and keeps the previous offer", async () => {
    await save(VALID);
    await prisma.ambassadorProgram.update({
      where: { shop: TEST_SHOP },
      data: { programDiscountId: "gid://shopify/DiscountCodeNode/1" },
    });
    shop.faults.add({
      kind: "userErrors",
      operationName: "ProgramDiscountUpdate",
      userErrors: [{ field: ["basicCodeDiscount", "endsAt"], message: "Ends at needs to be after starts_at", code: "INVALID" }],
    });
    const result = await save({ ...VALID, discountPercent: "50" });
    expect(result).toMatchObject({ ok: false, shopifyErrors: ["End date: ends at needs to be after starts_at."] });
    expect((await getAmbassadorProgram(TEST_SHOP)).discountPercent).toBe(15);
  });
  it("saves whom the checkout blocks invite, and refuses anything else", async () => {
    expect((await getAmbassadorProgram(TEST_SHOP)).checkoutInvite).toBe("repeat_buyers");
    expect(await save({ ...VALID, checkoutInvite: "everyone" })).toMatchObject({ ok: true });
    expect((await getAmbassadorProgram(TEST_SHOP)).checkoutInvite).toBe("everyone");
    const data = await load();
    expect(data.values.checkoutInvite).toBe("everyone");

    expect(await save({ ...VALID, checkoutInvite: "vips" })).toMatchObject({
      ok: false,
      errors: { checkoutInvite: "Choose repeat buyers, everyone or nobody" },
    });
    expect((await getAmbassadorProgram(TEST_SHOP)).checkoutInvite).toBe("everyone");
    expect(await save({ ...VALID, checkoutInvite: "nobody" })).toMatchObject({ ok: true });
    expect((await getAmbassadorProgram(TEST_SHOP)).checkoutInvite).toBe("nobody");
  });
});
