import { describe, expect, it } from "vitest";
import { currencyExponent, toMinorUnits } from "../money";
import {
  customerProfileFromWebhook,
  numericId,
  orderSnapshotFromAdminApi,
  orderSnapshotFromWebhook,
  refundSnapshotFromWebhook,
} from "../snapshots";
import { storedTimestampFromIso } from "../../../utils/stored-timestamp";
import { bulkOrderNode, orderWebhookPayload } from "#/factories/orders";

describe("money in minor units", () => {
  it("parses Shopify decimals exactly, whatever their number of digits", () => {
    expect(toMinorUnits("12.34")).toBe(1234);
    expect(toMinorUnits("10.0")).toBe(1000);
    expect(toMinorUnits("0.1")).toBe(10);
    expect(toMinorUnits("7")).toBe(700);
    // 0.1 + 0.2 style float errors cannot happen: no floating point on the way.
    expect(toMinorUnits("1234567890.99")).toBe(123456789099);
  });

  it("uses the currency's own minor unit", () => {
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);
    expect(toMinorUnits("1200.0", currencyExponent("JPY"))).toBe(1200);
    expect(toMinorUnits("1.234", currencyExponent("KWD"))).toBe(1234);
  });

  it("rounds extra digits half away from zero and refuses non-numbers", () => {
    expect(toMinorUnits("0.005")).toBe(1);
    expect(toMinorUnits("0.004")).toBe(0);
    expect(toMinorUnits("-2.50")).toBe(-250);
    expect(() => toMinorUnits("12,34")).toThrow(/Not a money amount/);
    expect(() => toMinorUnits("")).toThrow(/Not a money amount/);
  });
});

describe("Shopify ids and timestamps", () => {
  it("takes the numeric tail of a gid and refuses another type", () => {
    expect(numericId("gid://shopify/Order/5001")).toBe("5001");
    expect(numericId(5001)).toBe("5001");
    expect(numericId("gid://shopify/Customer/7", "Customer")).toBe("7");
    expect(() => numericId("gid://shopify/Order/7", "Customer")).toThrow();
    expect(() => numericId("abc")).toThrow();
  });

  it("stores Shopify's UTC seconds and offset timestamps the same way Prisma does", () => {
    expect(storedTimestampFromIso("2024-05-01T10:00:00Z")).toBe("2024-05-01T10:00:00.000+00:00");
    expect(storedTimestampFromIso("2024-05-01T06:00:00-04:00")).toBe("2024-05-01T10:00:00.000+00:00");
    expect(() => storedTimestampFromIso("yesterday")).toThrow();
    expect(() => storedTimestampFromIso("2024-13-01T10:00:00Z")).toThrow();
  });
});

describe("orderSnapshotFromAdminApi", () => {
  it("normalises an Order node", () => {
    const snapshot = orderSnapshotFromAdminApi(
      bulkOrderNode({
        id: 11,
        customerId: 7,
        customerName: "Ada Lovelace",
        customerEmail: "ada@example.com",
        customerTags: ["VIP", "wholesale"],
        processedAt: "2024-03-01T12:00:00Z",
        updatedAt: "2024-03-02T12:00:00Z",
        totalCents: 12_345,
        refundedCents: 345,
        discountCodes: [" save10 ", "SAVE10", "spring"],
      }),
    );
    expect(snapshot).toEqual({
      orderId: "11",
      customerId: "7",
      processedAt: new Date("2024-03-01T12:00:00Z"),
      sourceUpdatedAt: new Date("2024-03-02T12:00:00Z"),
      totalCents: 12_345,
      refundedCents: 345,
      cancelledAt: null,
      test: false,
      discountCodes: ["SAVE10", "SPRING"],
      currencyCode: "USD",
      customer: {
        customerId: "7",
        displayName: "Ada Lovelace",
        email: "ada@example.com",
        tags: ["VIP", "wholesale"],
        sourceUpdatedAt: new Date("2024-01-01T00:00:00Z"),
        emailSubscribed: false,
        smsSubscribed: false,
      },
    });
  });

  it("keeps a guest order without customer", () => {
    const snapshot = orderSnapshotFromAdminApi(
      bulkOrderNode({ id: 12, customerId: null, processedAt: "2024-03-01T12:00:00Z", totalCents: 100 }),
    );
    expect(snapshot.customerId).toBeNull();
    expect(snapshot.customer).toBeNull();
  });
});

describe("orderSnapshotFromWebhook", () => {
  it("reads the total in shop money and sums successful refund transactions", () => {
    const payload = orderWebhookPayload({
      id: 21,
      customerId: 9,
      customerName: "Grace",
      processedAt: "2024-03-01T07:00:00-05:00",
      updatedAt: "2024-03-05T07:00:00-05:00",
      totalCents: 10_000,
      refunds: [{ amountCents: 2_500 }, { amountCents: 500 }],
      discountCodes: ["friend-ada"],
    });
    payload.refunds!.push({ transactions: [{ kind: "refund", status: "failure", amount: "99.00", currency: "USD" }] });
    const snapshot = orderSnapshotFromWebhook(payload);
    expect(snapshot).toMatchObject({
      orderId: "21",
      customerId: "9",
      processedAt: new Date("2024-03-01T12:00:00Z"),
      sourceUpdatedAt: new Date("2024-03-05T12:00:00Z"),
      totalCents: 10_000,
      refundedCents: 3_000,
      discountCodes: ["FRIEND-ADA"],
      customer: { customerId: "9", displayName: "Grace 9", email: "customer9@example.com" },
    });
  });

  it("converts refunds made in the presentment currency at the order's own rate", () => {
    // Shop in USD, customer paid 90.00 EUR for a 100.00 USD order, refunded 45.00 EUR.
    const snapshot = orderSnapshotFromWebhook(
      orderWebhookPayload({
        id: 22,
        customerId: 9,
        processedAt: "2024-03-01T12:00:00Z",
        totalCents: 10_000,
        presentment: { currency: "EUR", totalCents: 9_000 },
        refunds: [{ amountCents: 4_500, currency: "EUR" }],
      }),
    );
    expect(snapshot.totalCents).toBe(10_000);
    expect(snapshot.refundedCents).toBe(5_000);
  });
});

describe("refundSnapshotFromWebhook", () => {
  it("counts successful refund transactions in shop money only", () => {
    const refund = refundSnapshotFromWebhook(
      {
        id: 31,
        order_id: 21,
        created_at: "2024-03-05T12:00:00Z",
        transactions: [
          { kind: "refund", status: "success", amount: "20.00", currency: "USD" },
          { kind: "refund", status: "failure", amount: "20.00", currency: "USD" },
          { kind: "sale", status: "success", amount: "100.00", currency: "USD" },
        ],
      },
      "USD",
    );
    expect(refund).toEqual({
      refundId: "31",
      orderId: "21",
      amountCents: 2_000,
      createdAt: new Date("2024-03-05T12:00:00Z"),
    });
  });

  it("gives up on a refund in a foreign presentment currency (the order update carries it)", () => {
    const refund = refundSnapshotFromWebhook(
      { id: 32, order_id: 22, transactions: [{ kind: "refund", status: "success", amount: "45.00", currency: "EUR" }] },
      "USD",
    );
    expect(refund).toBeNull();
  });
});

describe("customerProfileFromWebhook", () => {
  it("builds Shopify's display name and splits tags", () => {
    expect(
      customerProfileFromWebhook({
        id: 5,
        first_name: "Ada",
        last_name: null,
        email: "ada@example.com",
        tags: "vip, Early adopter",
        updated_at: "2024-01-02T00:00:00Z",
      }),
    ).toEqual({
      customerId: "5",
      displayName: "Ada",
      email: "ada@example.com",
      tags: ["vip", "Early adopter"],
      sourceUpdatedAt: new Date("2024-01-02T00:00:00Z"),
      emailSubscribed: null,
      smsSubscribed: null,
    });
    expect(customerProfileFromWebhook({ id: 6, email: "only@example.com" }).displayName).toBe("only@example.com");
  });

  it("reads email and SMS marketing consent (subscribed only when the state says so)", () => {
    const profile = customerProfileFromWebhook({
      id: 7,
      email: "ada@example.com",
      email_marketing_consent: { state: "subscribed" },
      sms_marketing_consent: { state: "unsubscribed" },
    });
    expect([profile.emailSubscribed, profile.smsSubscribed]).toEqual([true, false]);
    // No phone: Shopify sends null consent, which is "not subscribed", not "unknown".
    expect(customerProfileFromWebhook({ id: 8, email_marketing_consent: null, sms_marketing_consent: null }).smsSubscribed).toBe(false);
  });
});
