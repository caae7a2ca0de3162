/**
 * Klaviyo's REST API, the three calls the app makes (docs/flow-and-klaviyo.md cites the
 * reference pages): Create Event (POST /api/events), Create or Update Profile
 * (POST /api/profile-import) and Get Accounts (GET /api/accounts, to check a key).
 * Every request carries the private key (`Authorization: Klaviyo-API-Key …`) and the API
 * revision it was written against (`revision`).
 *
 * KLAVIYO_API_URL points the app at another host (the tests' and the demo's local
 * Klaviyo double); it defaults to Klaviyo's.
 */

/** The Klaviyo API revision the request shapes below follow. */
export const KLAVIYO_REVISION = "2026-10-15";
const DEFAULT_TIMEOUT_MS = 10_000;

function baseUrl() {
  return (process.env.KLAVIYO_API_URL || "https://a.klaviyo.com").replace(/\/+$/, "");
}

/**
 * `passing`: worth trying again later (Klaviyo down or busy, rate limited, the network, a
 * key refused until the merchant replaces it); otherwise Klaviyo refused this request for
 * good (its shape or content).
 */
export type KlaviyoResult =
  | { ok: true }
  | { ok: false; passing: boolean; keyRefused: boolean; status: number | null; message: string };

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

async function klaviyoRequest(apiKey: string, method: "GET" | "POST", path: string, body?: JsonValue): Promise<KlaviyoResult> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        Authorization: `Klaviyo-API-Key ${apiKey}`,
        revision: KLAVIYO_REVISION,
        accept: "application/vnd.api+json",
        ...(body === undefined ? {} : { "content-type": "application/vnd.api+json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(Number(process.env.KLAVIYO_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, passing: true, keyRefused: false, status: null, message: `Klaviyo could not be reached (${(error as Error).message}).` };
  }
  if (response.ok) {
    await response.body?.cancel();
    return { ok: true };
  }
  const { detail, codes } = await errorDetail(response);
  const status = response.status;
  // Klaviyo answers a missing or wrong key with 401 (its reference also mentions 400 with
  // an authentication error code) and a key without the needed scope with 403.
  if (status === 401 || status === 403 || codes.some((code) => AUTH_ERROR_CODES.has(code))) {
    return { ok: false, passing: true, keyRefused: true, status, message: `Klaviyo refused the API key (${status})${detail}. Check the key's access in Klaviyo, or save a new key.` };
  }
  if (status === 429 || status >= 500) {
    return { ok: false, passing: true, keyRefused: false, status, message: `Klaviyo is unavailable (${status})${detail}. Events wait and are sent when it is back.` };
  }
  return { ok: false, passing: false, keyRefused: false, status, message: `Klaviyo refused the request (${status})${detail}.` };
}

const AUTH_ERROR_CODES = new Set(["not_authenticated", "authentication_failed", "permission_denied"]);

/** Klaviyo's JSON:API errors, `{ errors: [{ code, detail }] }`: their codes and a sentence. */
async function errorDetail(response: Response): Promise<{ detail: string; codes: string[] }> {
  try {
    const body = (await response.json()) as { errors?: Array<{ code?: string; detail?: string; title?: string }> };
    const errors = body.errors ?? [];
    const details = errors.map((e) => e.detail || e.title).filter(Boolean);
    return {
      detail: details.length > 0 ? `: ${details.join(" ")}` : "",
      codes: errors.flatMap((e) => (e.code ? [e.code] : [])),
    };
  } catch {
    return { detail: "", codes: [] };
  }
}

/** A cheap authenticated read: does Klaviyo accept this private key? */
export function checkKlaviyoKey(apiKey: string) {
  return klaviyoRequest(apiKey, "GET", "/api/accounts");
}

export interface KlaviyoProfile {
  email: string;
  first_name?: string;
  last_name?: string;
  /** Custom profile properties. */
  properties?: Record<string, string | number>;
}

export interface KlaviyoEvent {
  metric: string;
  profile: KlaviyoProfile;
  properties: Record<string, string | number>;
  /** ISO 8601. */
  time: string;
  /** Klaviyo keeps one event per unique_id: a resend after a crash is not counted twice. */
  uniqueId: string;
  value?: number;
}

function profileAttributes(profile: KlaviyoProfile): { [key: string]: JsonValue } {
  return {
    email: profile.email,
    ...(profile.first_name ? { first_name: profile.first_name } : {}),
    ...(profile.last_name ? { last_name: profile.last_name } : {}),
    ...(profile.properties ? { properties: profile.properties } : {}),
  };
}

export function createKlaviyoEvent(apiKey: string, event: KlaviyoEvent) {
  return klaviyoRequest(apiKey, "POST", "/api/events", {
    data: {
      type: "event",
      attributes: {
        properties: event.properties,
        metric: { data: { type: "metric", attributes: { name: event.metric } } },
        profile: { data: { type: "profile", attributes: profileAttributes(event.profile) } },
        time: event.time,
        unique_id: event.uniqueId,
        ...(event.value === undefined ? {} : { value: event.value }),
      },
    },
  });
}

/** Creates the profile with this email, or updates its properties. */
export function upsertKlaviyoProfile(apiKey: string, profile: KlaviyoProfile) {
  return klaviyoRequest(apiKey, "POST", "/api/profile-import", {
    data: { type: "profile", attributes: profileAttributes(profile) },
  });
}
