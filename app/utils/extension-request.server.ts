import { authenticate, sessionStorage } from "../shopify.server";

/**
 * Who is asking, for a request from one of our checkout or customer account UI
 * extensions, read only from the session token Shopify signed with the app secret.
 */
export interface ExtensionRequest {
  shop: string;
  /** Numeric Shopify customer id from the token's `sub`; null for a guest buyer. */
  customerId: string | null;
  /** Adds the CORS headers the extension's sandbox needs to read the answer. */
  cors: (response: Response) => Response;
}

export type ExtensionSurface = "checkout" | "customerAccount";

/** Extensions run in Shopify's sandboxed workers, whose origin is not ours. */
const CORS_ANY_ORIGIN = { "Access-Control-Allow-Origin": "*" };
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/(\d{1,20})$/;

/**
 * Verifies the extension's session token (`authenticate.public.checkout` or
 * `.customerAccount`: signature with the app secret, expiry, not-before; an OPTIONS
 * preflight is answered by the library with CORS headers). Then what the library leaves
 * to us: the audience must be this app, and the token's shop (`dest`) must have the app
 * installed. Anything else throws a 401 Response before anything is read or written.
 */
export async function readExtensionRequest(request: Request, surface: ExtensionSurface): Promise<ExtensionRequest> {
  let verified: Awaited<ReturnType<(typeof authenticate.public)[ExtensionSurface]>>;
  try {
    verified = await authenticate.public[surface](request);
  } catch (thrown) {
    // The library's 401 has no CORS headers: the extension could not even read its status.
    if (thrown instanceof Response && thrown.status === 401) {
      throw Response.json({ ok: false, message: "Unauthorized" }, { status: 401, headers: CORS_ANY_ORIGIN });
    }
    throw thrown;
  }
  const { sessionToken, cors } = verified;
  const unauthorized = () => cors(Response.json({ ok: false, message: "Unauthorized" }, { status: 401 }));
  if (sessionToken.aud !== process.env.SHOPIFY_API_KEY) throw unauthorized();
  const shop = String(sessionToken.dest ?? "").replace(/^https:\/\//, "");
  if (!SHOP_DOMAIN.test(shop)) throw unauthorized();
  const session = await sessionStorage.loadSession(`offline_${shop}`);
  if (!session) throw unauthorized();
  const customer = CUSTOMER_GID.exec(String(sessionToken.sub ?? ""));
  return { shop, customerId: customer ? customer[1] : null, cors };
}

/** JSON for an extension: CORS-readable, never cached. */
export function extensionJson(
  cors: ExtensionRequest["cors"],
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return cors(Response.json(body, { status, headers: { "Cache-Control": "private, no-store", ...headers } }));
}

/** Extension requests carry small JSON bodies. */
const MAX_BODY_BYTES = 16 * 1024;

/** The request's JSON object body as string fields, or null when it is not one. */
export async function readJsonFields(request: Request): Promise<Record<string, string> | null> {
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) return null;
  try {
    const parsed = text.trim() === "" ? {} : (JSON.parse(text) as unknown);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    return Object.fromEntries(
      Object.entries(parsed).map(([key, value]) => [key, typeof value === "string" ? value : String(value ?? "")]),
    );
  } catch {
    return null;
  }
}
