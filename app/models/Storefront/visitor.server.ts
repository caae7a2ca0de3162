import crypto from "node:crypto";
import type { StorefrontClient } from "./proxy-context.server";

/**
 * Pseudonyms for storefront visitors, so nothing about a shopper's connection is stored:
 * an HMAC with the app secret over the shop, a period (a day, a rate-limit window) and the
 * connection. A new period gives an unrelated value, so two days' clicks of one visitor
 * cannot be linked, and without the secret a value cannot be tested against an IP.
 */
function appSecret(): string {
  const secret = process.env.SHOPIFY_API_SECRET;
  if (!secret) throw new Error("SHOPIFY_API_SECRET is not set");
  return secret;
}

export function visitorPseudonym(purpose: string, shop: string, period: string, identity: string): string {
  return crypto
    .createHmac("sha256", appSecret())
    .update([purpose, shop, period, identity].join("\u0000"))
    .digest("base64url")
    .slice(0, 32);
}

/** The connection as one string: IP and user agent. */
export function clientIdentity(client: StorefrontClient): string {
  return `${client.ip}\u0000${client.userAgent}`;
}

/** The connection for a per-client rate limit; null when Shopify sent no client address. */
export function rateLimitIdentity(client: StorefrontClient): string | null {
  return client.ip ? clientIdentity(client) : null;
}

/** YYYY-MM-DD in UTC. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** ShareClick.visitorHash: one per visitor, shop and UTC day. */
export function shareVisitorHash(shop: string, client: StorefrontClient, now: Date): string {
  return visitorPseudonym("share-click", shop, utcDay(now), clientIdentity(client));
}
