import crypto from "node:crypto";

/**
 * A session token as Shopify hands it to a checkout or customer account UI extension
 * (`shopify.sessionToken.get()`): HS256 with the app secret, `dest` the shop's domain,
 * `aud` the app's client id, and `sub` the customer's GID only when the buyer is signed
 * in. Tests and the demo's stand-in `shopify` object use it; options forge the rest.
 */
export interface ExtensionTokenOptions {
  apiKey: string;
  apiSecret: string;
  /** e.g. "demo-shop.myshopify.com" */
  shop: string;
  /** Numeric customer id; omitted for a guest buyer. */
  customerId?: string | number | null;
  /** Shopify's extension tokens live five minutes. */
  ttlSeconds?: number;
  /** Issue time in ms (default: now). */
  now?: number;
  /** Override the audience (a token minted for another app). */
  aud?: string;
}

const base64url = (data: string) => Buffer.from(data).toString("base64url");

export function mintExtensionToken(options: ExtensionTokenOptions): string {
  const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: Record<string, string | number> = {
    dest: options.shop,
    aud: options.aud ?? options.apiKey,
    exp: issuedAt + (options.ttlSeconds ?? 300),
    nbf: issuedAt,
    iat: issuedAt,
    jti: crypto.randomUUID(),
  };
  if (options.customerId != null) payload.sub = `gid://shopify/Customer/${options.customerId}`;
  const unsigned = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(payload))}`;
  const signature = crypto.createHmac("sha256", options.apiSecret).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}
