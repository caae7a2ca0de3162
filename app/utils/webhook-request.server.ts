/**
 * The checks a webhook delivery needs that `authenticate.webhook` lacks, run before it:
 * a body over MAX_WEBHOOK_BYTES is 413 (the library would buffer any size), a body that
 * is not JSON is 400 (the library's JSON.parse would throw: a 500 Shopify retries for
 * days), and a shop header that is not a myshopify.com domain is 400 (the library throws
 * a 500 on a shop it cannot build a session id for). Nothing is stored for any of them.
 */

/**
 * The largest webhook body accepted. Shopify's biggest payloads are orders with hundreds
 * of line items, a few MB at most; the limit stops a client from making the app buffer
 * without end.
 */
export const MAX_WEBHOOK_BYTES = 8 * 1024 * 1024;

const refused = (status: number, statusText: string) => new Response(undefined, { status, statusText });

/**
 * Returns the request to hand to `authenticate.webhook` (with the body read once here),
 * or throws the 4xx Response. Requests that are not POST go through: the library answers
 * them 405.
 */
export async function checkWebhookRequest(request: Request): Promise<Request> {
  if (request.method !== "POST") return request;
  const body = await readWebhookBody(request);
  const shop = request.headers.get("X-Shopify-Shop-Domain");
  if (shop !== null) assertShopDomain(shop);
  try {
    JSON.parse(body);
  } catch {
    throw refused(400, "Bad Request");
  }
  return new Request(request.url, { method: "POST", headers: shopifyHeaders(request.headers), body });
}

/**
 * Shopify's own headers (`X-Shopify-*`, and `Shopify-*` on event webhooks) and the content
 * type: all `authenticate.webhook` reads. The library canonicalises every header it is
 * given on each lookup, so the ones proxies add only cost time (docs/webhooks.md).
 */
function shopifyHeaders(headers: Headers): Headers {
  const kept = new Headers();
  for (const [name, value] of headers) {
    if (name.startsWith("x-shopify-") || name.startsWith("shopify-") || name === "content-type") kept.append(name, value);
  }
  return kept;
}

/** The raw body as UTF-8, read at most MAX_WEBHOOK_BYTES (a 413 Response is thrown past it). */
async function readWebhookBody(request: Request): Promise<string> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BYTES) throw refused(413, "Payload Too Large");
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_WEBHOOK_BYTES) {
      await reader.cancel().catch(() => {});
      throw refused(413, "Payload Too Large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/**
 * X-Shopify-Shop-Domain must be a shop's myshopify.com domain: it keys every row the
 * delivery writes. A well-formed domain of a shop without a session is accepted (the HMAC
 * proves Shopify sent it): compliance webhooks arrive after uninstall.
 */
function assertShopDomain(shop: string) {
  if (!/^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/.test(shop)) throw refused(400, "Bad Request");
}
