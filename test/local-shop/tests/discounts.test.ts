import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalShop } from "../index";
import { gql, NOW, startShop, waitFor } from "./helpers";

const CREATE = `mutation($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic {
      title status startsAt endsAt appliesOncePerCustomer summary
      codes(first: 5) { nodes { id code asyncUsageCount } }
      codesCount { count precision }
      customerGets { value { ... on DiscountPercentage { percentage } } items { ... on AllDiscountItems { allItems } } }
      combinesWith { orderDiscounts productDiscounts shippingDiscounts }
      minimumRequirement { ... on DiscountMinimumSubtotal { greaterThanOrEqualToSubtotal { amount currencyCode } } }
    } } }
    userErrors { field message code }
  }
}`;

const BULK_ADD = `mutation($id: ID!, $codes: [DiscountRedeemCodeInput!]!) {
  discountRedeemCodeBulkAdd(discountId: $id, codes: $codes) { bulkCreation { id done } userErrors { field message code } }
}`;

const BULK_CREATION = `query($id: ID!) {
  discountRedeemCodeBulkCreation(id: $id) {
    id done codesCount importedCount failedCount
    codes(first: 250) { nodes { code errors { code field message } discountRedeemCode { id code } } }
  }
}`;

const input = (overrides: Record<string, unknown> = {}) => ({
  title: "Anna's friends",
  code: "ANNA10",
  startsAt: "2025-01-01T00:00:00Z",
  customerGets: { value: { percentage: 0.1 }, items: { all: true } },
  combinesWith: { shippingDiscounts: true },
  minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: "30.00" } },
  appliesOncePerCustomer: true,
  ...overrides,
});

describe("code discounts", () => {
  let shop: LocalShop;
  let discountId: string;
  let clock = NOW;
  beforeAll(async () => {
    shop = await startShop({ now: () => clock, seed: { customers: 10, orders: 20, seed: 4, now: NOW } });
  });
  afterAll(() => shop.close());

  it("creates a basic code discount", async () => {
    const body = await gql(shop, CREATE, { input: input() });
    const payload = body.data.discountCodeBasicCreate;
    expect(payload.userErrors).toEqual([]);
    discountId = payload.codeDiscountNode.id;
    expect(discountId).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/);
    expect(payload.codeDiscountNode.codeDiscount).toEqual({
      title: "Anna's friends",
      status: "ACTIVE",
      startsAt: "2025-01-01T00:00:00Z",
      endsAt: null,
      appliesOncePerCustomer: true,
      summary: "10% off entire order • Minimum purchase of 30.0 USD • One use per customer",
      codes: { nodes: [{ id: expect.stringMatching(/^gid:\/\/shopify\/DiscountRedeemCode\//), code: "ANNA10", asyncUsageCount: 0 }] },
      codesCount: { count: 1, precision: "EXACT" },
      customerGets: { value: { percentage: 0.1 }, items: { allItems: true } },
      combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
      minimumRequirement: { greaterThanOrEqualToSubtotal: { amount: "30.0", currencyCode: "USD" } },
    });
    expect(shop.store.findRedeemCode("anna10")?.discount.input).toMatchObject({ title: "Anna's friends" });
  });

  it("refuses a duplicate code (case-insensitive, across all discounts) and blanks", async () => {
    const duplicate = await gql(shop, CREATE, { input: input({ title: "Other", code: "anna10" }) });
    expect(duplicate.data.discountCodeBasicCreate).toEqual({
      codeDiscountNode: null,
      userErrors: [
        { field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" },
      ],
    });
    const seededCode = await gql(shop, CREATE, { input: input({ code: "WELCOME10" }) });
    expect(seededCode.data.discountCodeBasicCreate.userErrors[0].code).toBe("TAKEN");

    const blank = await gql(shop, CREATE, { input: input({ title: " ", code: "", startsAt: null }) });
    expect(blank.data.discountCodeBasicCreate.userErrors).toEqual([
      { field: ["basicCodeDiscount", "title"], message: "Title can't be blank", code: "BLANK" },
      { field: ["basicCodeDiscount", "startsAt"], message: "Starts at can't be blank", code: "BLANK" },
      { field: ["basicCodeDiscount", "code"], message: "Code can't be blank", code: "BLANK" },
    ]);
  });

  it("finds discounts by code and id", async () => {
    const body = await gql(shop, `query($id: ID!) {
      byCode: codeDiscountNodeByCode(code: "Anna10") { id }
      byId: codeDiscountNode(id: $id) { id }
      discountNode(id: $id) { id discount { ... on DiscountCodeBasic { title } } }
      node(id: $id) { ... on DiscountCodeNode { id } }
    }`, { id: discountId });
    expect(body.data).toEqual({
      byCode: { id: discountId },
      byId: { id: discountId },
      discountNode: { id: discountId, discount: { title: "Anna's friends" } },
      node: { id: discountId },
    });
  });

  it("updates, deactivates and activates", async () => {
    const updated = await gql(shop, `mutation($id: ID!) { discountCodeBasicUpdate(id: $id, basicCodeDiscount: { title: "Renamed", code: "ANNA15" }) {
      codeDiscountNode { codeDiscount { ... on DiscountCodeBasic { title codes(first: 1) { nodes { code } } } } } userErrors { message } } }`, { id: discountId });
    expect(updated.data.discountCodeBasicUpdate).toEqual({
      codeDiscountNode: { codeDiscount: { title: "Renamed", codes: { nodes: [{ code: "ANNA15" }] } } },
      userErrors: [],
    });
    const status = `{ codeDiscountNodeByCode(code: "ANNA15") { codeDiscount { ... on DiscountCodeBasic { status endsAt } } } }`;
    await gql(shop, `mutation($id: ID!) { discountCodeDeactivate(id: $id) { userErrors { message } } }`, { id: discountId });
    clock += 1000;
    expect((await gql(shop, status)).data.codeDiscountNodeByCode.codeDiscount.status).toBe("EXPIRED");
    await gql(shop, `mutation($id: ID!) { discountCodeActivate(id: $id) { userErrors { message } } }`, { id: discountId });
    expect((await gql(shop, status)).data.codeDiscountNodeByCode.codeDiscount).toEqual({ status: "ACTIVE", endsAt: null });
  });

  it("adds 250 redeem codes asynchronously, reporting per-code errors", async () => {
    const codes = Array.from({ length: 250 }, (_, i) => ({ code: `FRIEND-${String(i).padStart(3, "0")}` }));
    codes[249] = { code: "welcome10" }; // taken by a seeded discount
    const started = await gql(shop, BULK_ADD, { id: discountId, codes });
    expect(started.data.discountRedeemCodeBulkAdd.userErrors).toEqual([]);
    const creationId = started.data.discountRedeemCodeBulkAdd.bulkCreation.id;
    expect(creationId).toMatch(/^gid:\/\/shopify\/DiscountRedeemCodeBulkCreation\/\d+$/);
    expect(started.data.discountRedeemCodeBulkAdd.bulkCreation.done).toBe(false);

    // Poll cheaply: the full query costs 753 points, polling it would get throttled.
    await waitFor(async () => {
      const poll = await gql(shop, `query($id: ID!) { discountRedeemCodeBulkCreation(id: $id) { done } }`, { id: creationId });
      return poll.data.discountRedeemCodeBulkCreation.done ? true : undefined;
    });
    const creation = (await gql(shop, BULK_CREATION, { id: creationId })).data.discountRedeemCodeBulkCreation;
    expect(creation).toMatchObject({ codesCount: 250, importedCount: 249, failedCount: 1 });
    expect(creation.codes.nodes[0]).toEqual({
      code: "FRIEND-000",
      errors: [],
      discountRedeemCode: { id: expect.stringMatching(/^gid:\/\/shopify\/DiscountRedeemCode\//), code: "FRIEND-000" },
    });
    expect(creation.codes.nodes[249]).toEqual({
      code: "welcome10",
      errors: [{ code: "TAKEN", field: ["code"], message: "Code must be unique. Please try a different code." }],
      discountRedeemCode: null,
    });
    const count = await gql(shop, `query($id: ID!) { codeDiscountNode(id: $id) { codeDiscount { ... on DiscountCodeBasic { codesCount { count } } } } }`, { id: discountId });
    expect(count.data.codeDiscountNode.codeDiscount.codesCount.count).toBe(250);
    expect((await gql(shop, `{ codeDiscountNodeByCode(code: "friend-123") { id } }`)).data.codeDiscountNodeByCode.id).toBe(discountId);
  });

  it("refuses more than 250 codes per call", async () => {
    const codes = Array.from({ length: 251 }, (_, i) => ({ code: `MORE-${i}` }));
    const body = await gql(shop, BULK_ADD, { id: discountId, codes });
    expect(body.data.discountRedeemCodeBulkAdd).toEqual({
      bulkCreation: null,
      userErrors: [{ field: ["codes"], message: "Codes can't exceed 250 per request", code: "TOO_MANY_ARGUMENTS" }],
    });
  });

  it("counts usage from orders placed with the code", async () => {
    const seeded = shop.store.orders.filter((o) => o.discountCodes.some((d) => d.code === "WELCOME10")).length;
    const body = await gql(shop, `{ codeDiscountNodeByCode(code: "WELCOME10") { codeDiscount { ... on DiscountCodeBasic { asyncUsageCount codes(first: 1) { nodes { asyncUsageCount } } } } } }`);
    expect(body.data.codeDiscountNodeByCode.codeDiscount).toEqual({ asyncUsageCount: seeded, codes: { nodes: [{ asyncUsageCount: seeded }] } });
  });
});
