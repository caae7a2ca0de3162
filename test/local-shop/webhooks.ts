import crypto from "node:crypto";
import { ADMIN_API_VERSION } from "../../app/api-version";

/** Base64 HMAC-SHA256 of the raw body with the app secret (`X-Shopify-Hmac-Sha256`). */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return crypto.createHmac("sha256", secret).update(body).digest("base64");
}

export interface WebhookOptions {
  /** Reuse an id to simulate Shopify retrying the same delivery. */
  webhookId?: string;
  apiVersion?: string;
  eventId?: string;
  triggeredAt?: Date;
}

export interface BuiltWebhook {
  body: string;
  headers: Record<string, string>;
}

/** Body and headers of a webhook delivery, exactly as Shopify sends them. */
export function buildWebhook(
  input: { topic: string; payload: unknown; shopDomain: string; apiSecret: string },
  options: WebhookOptions = {},
): BuiltWebhook {
  const body = JSON.stringify(input.payload);
  return {
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": input.topic,
      "X-Shopify-Hmac-Sha256": signWebhookBody(body, input.apiSecret),
      "X-Shopify-Shop-Domain": input.shopDomain,
      "X-Shopify-Webhook-Id": options.webhookId ?? crypto.randomUUID(),
      "X-Shopify-API-Version": options.apiVersion ?? ADMIN_API_VERSION,
      "X-Shopify-Triggered-At": (options.triggeredAt ?? new Date()).toISOString(),
      "X-Shopify-Event-Id": options.eventId ?? crypto.randomUUID(),
    },
  };
}

/** POSTs a built webhook to the app. */
export function deliverWebhook(url: string, webhook: BuiltWebhook): Promise<Response> {
  return fetch(url, { method: "POST", headers: webhook.headers, body: webhook.body });
}
