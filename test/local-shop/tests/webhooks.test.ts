import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "../../../app/api-version";
import { buildWebhook, signWebhookBody, type LocalShop } from "../index";
import { API_SECRET, startShop } from "./helpers";
import { shopifyApiForTests } from "./shopify-api";

const shopify = shopifyApiForTests();

/** What the node adapter reads from a request: lower-case headers, method and url. */
function fakeIncomingMessage(headers: Record<string, string>) {
  return {
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    method: "POST",
    url: "/webhooks/orders/create",
  } as unknown as http.IncomingMessage;
}

describe("webhooks", () => {
  const payload = { id: 820982911946154500, email: "jon@example.com", total_price: "403.0" };

  it("are signed so that @shopify/shopify-api accepts them", async () => {
    const webhook = buildWebhook({ topic: "orders/create", payload, shopDomain: "demo-shop.myshopify.com", apiSecret: API_SECRET });
    const result = await shopify.webhooks.validate({ rawBody: webhook.body, rawRequest: fakeIncomingMessage(webhook.headers) });
    expect(result).toMatchObject({
      valid: true,
      topic: "ORDERS_CREATE",
      domain: "demo-shop.myshopify.com",
      apiVersion: ADMIN_API_VERSION,
      webhookId: webhook.headers["X-Shopify-Webhook-Id"],
    });
  });

  it("with a tampered body are rejected", async () => {
    const webhook = buildWebhook({ topic: "orders/create", payload, shopDomain: "demo-shop.myshopify.com", apiSecret: API_SECRET });
    const tampered = webhook.body.replace("403.0", "1.0");
    const result = await shopify.webhooks.validate({ rawBody: tampered, rawRequest: fakeIncomingMessage(webhook.headers) });
    expect(result).toMatchObject({ valid: false, reason: "invalid_hmac" });
  });

  it("signWebhookBody is base64 HMAC-SHA256 of the raw body", () => {
    // Independent value: printf '{"a":1}' | openssl dgst -sha256 -hmac secret -binary | base64
    expect(signWebhookBody('{"a":1}', "secret")).toBe("qp4uNXX11wmLbKzNeQiIw21f22M0KnO62i1qUXR6hJQ=");
  });

  describe("delivered to the app", () => {
    let shop: LocalShop;
    let app: http.Server;
    const received: { headers: http.IncomingHttpHeaders; body: string; url?: string; request: http.IncomingMessage }[] = [];

    beforeAll(async () => {
      app = http.createServer((request, response) => {
        let body = "";
        request.on("data", (chunk) => (body += chunk));
        request.on("end", () => {
          received.push({ headers: request.headers, body, url: request.url, request });
          response.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
      shop = await startShop({
        appUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
        webhookSubscriptions: { "orders/create": "/webhooks/orders/create" },
      });
    });
    afterAll(async () => {
      await shop.close();
      await new Promise((resolve) => app.close(resolve));
    });

    it("arrive with Shopify's headers and a valid HMAC, and can be replayed with the same id", async () => {
      const response = await shop.sendWebhook("orders/create", payload, { webhookId: "replay-me" });
      expect(response.status).toBe(200);
      await shop.sendWebhook("orders/create", payload, { webhookId: "replay-me" });
      expect(received).toHaveLength(2);
      const [first, second] = received;
      expect(first.url).toBe("/webhooks/orders/create");
      expect(first.headers).toMatchObject({
        "content-type": "application/json",
        "x-shopify-topic": "orders/create",
        "x-shopify-shop-domain": "demo-shop.myshopify.com",
        "x-shopify-api-version": ADMIN_API_VERSION,
        "x-shopify-webhook-id": "replay-me",
        "x-shopify-hmac-sha256": signWebhookBody(first.body, API_SECRET),
      });
      expect(Date.parse(String(first.headers["x-shopify-triggered-at"]))).not.toBeNaN();
      expect(first.headers["x-shopify-event-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(second.headers["x-shopify-webhook-id"]).toBe("replay-me");
      expect(JSON.parse(first.body)).toEqual(payload);
      expect(await shopify.webhooks.validate({ rawBody: first.body, rawRequest: first.request })).toMatchObject({ valid: true });
      expect(shop.store.webhookDeliveries.map((d) => d.status)).toEqual([200, 200]);
    });

    it("refuse topics without a subscription", async () => {
      await expect(shop.sendWebhook("customers/create", {})).rejects.toThrow(/no webhook subscription for customers\/create/);
    });
  });
});
