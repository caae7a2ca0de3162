import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signWebhookBody, type CodeDiscountRecord, type LocalShop } from "../index";
import { API_SECRET, NOW, startShop } from "./helpers";

const LINES = [{ title: "Ceramic mug", quantity: 2, unitPriceCents: 2_500 }];

describe("checkout and refunds", () => {
  let shop: LocalShop;
  let app: http.Server;
  let received: { topic: string; hmac: string; body: string; json: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    app = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({
          topic: String(request.headers["x-shopify-topic"]),
          hmac: String(request.headers["x-shopify-hmac-sha256"]),
          body,
          json: JSON.parse(body) as Record<string, unknown>,
        });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    shop = await startShop({
      appUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
      webhookSubscriptions: {
        "orders/create": "/webhooks/orders/create",
        "orders/updated": "/webhooks/orders/updated",
        "refunds/create": "/webhooks/refunds/create",
      },
      now: () => NOW,
    });
  });
  afterAll(async () => {
    await shop.close();
    await new Promise((resolve) => app.close(resolve));
  });
  beforeEach(() => {
    received = [];
    for (const discount of shop.store.discounts.splice(0)) {
      for (const code of discount.codes.slice()) shop.store.removeRedeemCode(discount.id, code.id);
    }
  });

  function addDiscount(code: string, changes: Partial<CodeDiscountRecord> = {}) {
    return shop.store.addCodeDiscount(
      {
        title: `Discount ${code}`,
        startsAt: NOW - 86_400_000,
        endsAt: null,
        value: { percentage: 0.1, amountCents: null, appliesOnEachItem: false },
        appliesOnOneTimePurchase: true,
        appliesOnSubscription: false,
        combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
        minimumRequirement: null,
        appliesOncePerCustomer: true,
        usageLimit: null,
        recurringCycleLimit: null,
        context: { kind: "all" },
        tags: [],
        createdAt: NOW,
        updatedAt: NOW,
        input: {},
        ...changes,
      },
      [code],
    );
  }

  it("creates the buyer and a paid order with the code as typed, and sends orders/create signed", async () => {
    addDiscount("JANE123");
    const result = await shop.checkout({ lines: LINES, email: "New.Buyer@Example.org", firstName: "Robin", lastName: "Buyer", discountCode: " jane123 " });
    if (!result.ok) throw new Error(result.message);

    expect(result.createdCustomer).toBe(true);
    expect(result.customer).toMatchObject({ email: "New.Buyer@Example.org", firstName: "Robin", state: "DISABLED" });
    // $50.00 of mugs, 10 % off: $45.00, under the $50 of free shipping: $5.99; 8 % tax: $3.60.
    expect(result.order).toMatchObject({
      customerId: result.customer.id,
      discountCodes: [{ code: "jane123", amountCents: 500 }],
      shippingCents: 599,
      taxCents: 360,
    });
    expect(received.map((r) => r.topic)).toEqual(["orders/create"]);
    const [delivery] = received;
    expect(delivery.hmac).toBe(signWebhookBody(delivery.body, API_SECRET));
    expect(delivery.json).toMatchObject({
      id: result.order.id,
      total_price: "54.59",
      discount_codes: [{ code: "jane123", amount: "5.00" }],
      financial_status: "paid",
      customer: { id: result.customer.id, email: "New.Buyer@Example.org" },
    });

    // The same email again is the same customer, and the code was once per customer.
    const again = await shop.checkout({ lines: LINES, email: "new.buyer@example.org", discountCode: "JANE123" });
    expect(again).toEqual({ ok: false, field: "discountCode", message: "This discount code has already been used" });
    expect(shop.store.ordersOf(result.customer.id)).toHaveLength(1);
  });

  it("refuses codes Shopify's checkout refuses, and places nothing", async () => {
    addDiscount("OLD10", { endsAt: NOW - 1 });
    addDiscount("BIG10", { minimumRequirement: { kind: "subtotal", subtotalCents: 10_000 } });
    const orders = shop.store.orders.length;
    const attempt = (discountCode: string) => shop.checkout({ lines: LINES, email: "someone@example.org", discountCode });
    expect(await attempt("NOPE")).toEqual({ ok: false, field: "discountCode", message: "Enter a valid discount code" });
    expect(await attempt("old10")).toMatchObject({ ok: false, message: "old10 discount code isn't available right now" });
    expect(await attempt("BIG10")).toMatchObject({ ok: false, message: "Your cart does not meet the minimum for BIG10" });
    expect(await shop.checkout({ lines: LINES, email: "not-an-email" })).toMatchObject({ ok: false, field: "email" });
    expect(shop.store.orders.length).toBe(orders);
    expect(received).toEqual([]);
  });

  it("a refund is recorded and sent as refunds/create, then orders/updated", async () => {
    const result = await shop.checkout({ lines: LINES, email: "refund.me@example.org" });
    if (!result.ok) throw new Error(result.message);
    received = [];
    const partial = await shop.refundOrder(result.order.id, { amountCents: 1_000 });
    await shop.refundOrder(result.order.id);

    expect(received.map((r) => r.topic)).toEqual(["refunds/create", "orders/updated", "refunds/create", "orders/updated"]);
    expect(received[0].json).toMatchObject({
      id: partial.id,
      order_id: result.order.id,
      transactions: [{ kind: "refund", status: "success", amount: "10.00", currency: "USD" }],
    });
    // $50.00 of mugs, no code: free shipping, $4.00 tax; the rest after $10.00 is $44.00.
    expect(received[2].json).toMatchObject({ transactions: [{ amount: "44.00" }] });
    expect(received[3].json).toMatchObject({ financial_status: "refunded", current_total_price: "0.00" });
    await expect(shop.refundOrder(result.order.id, { amountCents: 1 })).rejects.toThrow(/exceeds/);
  });
});
