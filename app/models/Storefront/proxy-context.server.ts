import { authenticateAppProxy } from "../../utils/app-proxy.server";
import { formFields, type FieldErrors } from "./form-input.server";

/**
 * Who is asking, for a storefront request Shopify forwarded through the app proxy.
 * Everything here is read after the signature check: `shop` and `logged_in_customer_id`
 * are Shopify's word, not the shopper's.
 */
export interface StorefrontRequest {
  shop: string;
  /** Numeric Shopify customer id of the logged-in shopper; null when nobody is. */
  customerId: string | null;
  /** The app holds an offline session for the shop (installed, not uninstalled). */
  installed: boolean;
  /** The shopper's connection, for rate limits and click de-duplication only. Never stored. */
  client: StorefrontClient;
}

export interface StorefrontClient {
  /** First hop of X-Forwarded-For (the shopper, as Shopify's proxy saw them); "" if none. */
  ip: string;
  userAgent: string;
}

/**
 * Verifies Shopify's app-proxy signature and timestamp (`authenticate.public.appProxy`;
 * a bad, stale or missing signature throws a 401 Response before anything is read or
 * written) and returns the verified shop and customer.
 */
export async function readStorefrontRequest(request: Request): Promise<StorefrontRequest> {
  const { session } = await authenticateAppProxy(request);
  const params = new URL(request.url).searchParams;
  const shop = params.get("shop") ?? "";
  const customerParam = params.get("logged_in_customer_id") ?? "";
  return {
    shop,
    customerId: /^\d{1,20}$/.test(customerParam) ? customerParam : null,
    installed: Boolean(session),
    client: storefrontClient(request),
  };
}

export function storefrontClient(request: Request): StorefrontClient {
  const forwarded = request.headers.get("x-forwarded-for") ?? "";
  return {
    ip: forwarded.split(",")[0]?.trim().slice(0, 64) ?? "",
    userAgent: (request.headers.get("user-agent") ?? "").slice(0, 512),
  };
}

/** JSON for the storefront: never cached by Shopify's proxy, a CDN or the browser. */
export function storefrontJson(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return Response.json(body, {
    status,
    headers: { "Cache-Control": "private, no-store", ...headers },
  });
}

/** Storefront forms are a few kilobytes at most. */
const MAX_FORM_BYTES = 16 * 1024;

/**
 * The posted form's fields (x-www-form-urlencoded or multipart), or a Response to send
 * instead: 413 for an oversized body, 400 for one that is not a form.
 */
export async function readFormFields(request: Request): Promise<Record<string, string> | Response> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_FORM_BYTES) {
    return storefrontJson({ ok: false, message: "This form is too large." }, 413);
  }
  const text = await request.text();
  if (text.length > MAX_FORM_BYTES) {
    return storefrontJson({ ok: false, message: "This form is too large." }, 413);
  }
  const type = request.headers.get("content-type") ?? "";
  try {
    const form = type.startsWith("multipart/form-data")
      ? await new Request(request.url, { method: "POST", headers: { "content-type": type }, body: text }).formData()
      : new URLSearchParams(text);
    return formFields(form);
  } catch {
    return storefrontJson({ ok: false, message: "This request is not a form." }, 400);
  }
}

/** A storefront form's outcome as the proxy API answers it (see the theme README). */
export type FormOutcome =
  | { kind: "accepted" | "saved"; message: string; status?: string }
  | { kind: "invalid"; message: string; fieldErrors: FieldErrors }
  | { kind: "forbidden"; message: string }
  | { kind: "rate_limited"; message: string; retryAfterSeconds: number };

export function formOutcomeResponse(outcome: FormOutcome): Response {
  switch (outcome.kind) {
    case "accepted":
    case "saved":
      return storefrontJson({
        ok: true,
        ...(outcome.status ? { status: outcome.status } : {}),
        message: outcome.message,
      });
    case "invalid":
      return storefrontJson({ ok: false, message: outcome.message, fieldErrors: outcome.fieldErrors }, 422);
    case "forbidden":
      return storefrontJson({ ok: false, message: outcome.message }, 403);
    case "rate_limited":
      return storefrontJson({ ok: false, message: outcome.message }, 429, {
        "Retry-After": String(outcome.retryAfterSeconds),
      });
  }
}

/** POST-only routes answer other methods with 405 (after the signature check). */
export async function postOnly(request: Request): Promise<Response> {
  await readStorefrontRequest(request);
  return storefrontJson({ ok: false, message: "Use POST." }, 405, { Allow: "POST" });
}
