/**
 * A local Klaviyo double for tests and the demo (the app reaches it through KLAVIYO_API_URL).
 * Like the local shop does for Shopify, it checks every request the way Klaviyo documents
 * it and refuses what Klaviyo would refuse: the method and path, the private key in
 * `Authorization: Klaviyo-API-Key <key>`, a `revision` header, the JSON:API content type
 * and the body's shape (zod). It implements the three endpoints the app calls:
 *
 * - GET  /api/accounts        (the key check): 200 with the account
 * - POST /api/events          (Create Event): 202; one event per unique_id, as Klaviyo dedupes
 * - POST /api/profile-import  (Create or Update Profile): 201 new / 200 updated
 *
 * Reference: https://developers.klaviyo.com/en/reference/create_event,
 * https://developers.klaviyo.com/en/reference/create_or_update_profile,
 * https://developers.klaviyo.com/en/reference/get_accounts
 *
 * Tests can take it down (`outage = true`: every request gets 503) and hold an
 * event (`holdEvent()`: it is recorded, the answer never comes), to crash the app
 * after Klaviyo took an event and before the app recorded that.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/** Revisions the double accepts: the documented date format, on or after the first GA revision. */
const REVISION = /^(\d{4}-\d{2}-\d{2})(\.pre)?$/;
const FIRST_REVISION = "2023-01-24";

const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const profileAttributes = z
  .object({
    email: z.string().email().optional(),
    phone_number: z.string().optional(),
    external_id: z.string().optional(),
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    properties: z.record(propertyValue).optional(),
  })
  .strict()
  .refine((p) => p.email || p.phone_number || p.external_id, "A profile needs an email, phone number or external id");

const eventBody = z.object({
  data: z
    .object({
      type: z.literal("event"),
      attributes: z
        .object({
          properties: z.record(propertyValue),
          metric: z.object({
            data: z.object({ type: z.literal("metric"), attributes: z.object({ name: z.string().min(1).max(128) }).strict() }),
          }),
          profile: z.object({ data: z.object({ type: z.literal("profile"), attributes: profileAttributes }) }),
          time: z.string().datetime({ offset: true }).optional(),
          value: z.number().optional(),
          unique_id: z.string().min(1).optional(),
        })
        .strict(),
    })
    .strict(),
});

const profileBody = z.object({
  data: z.object({ type: z.literal("profile"), attributes: profileAttributes }).strict(),
});

export interface KlaviyoEventRecord {
  uniqueId: string | null;
  metric: string;
  email: string | null;
  properties: Record<string, unknown>;
  time: string | null;
  value: number | null;
}

export interface KlaviyoRequestRecord {
  method: string;
  path: string;
  status: number;
}

export interface LocalKlaviyo {
  url: string;
  /** Events Klaviyo keeps: one per unique_id. */
  events: KlaviyoEventRecord[];
  /** Create Event requests accepted, duplicates included. */
  eventRequests: number;
  /** Profile properties by email, as the last upsert left them. */
  profiles: Map<string, Record<string, unknown>>;
  /** Every request and the status it got. */
  requests: KlaviyoRequestRecord[];
  /** While true every request is answered 503 (an outage). */
  outage: boolean;
  /** Private keys it accepts; others get 401. */
  keys: Set<string>;
  /**
   * The Create Event request after `skip` more accepted ones is recorded and never
   * answered; resolves when it arrived.
   */
  holdEvent(skip?: number): Promise<void>;
  close(): Promise<void>;
}

function jsonApiError(res: http.ServerResponse, status: number, detail: string) {
  res.writeHead(status, { "content-type": "application/vnd.api+json" });
  res.end(JSON.stringify({ errors: [{ status, code: status === 401 ? "not_authenticated" : "invalid", title: http.STATUS_CODES[status], detail }] }));
}

export async function startLocalKlaviyo({ keys = ["pk_local_test_key_0001"], port = 0 } = {}): Promise<LocalKlaviyo> {
  const held: http.ServerResponse[] = [];
  let hold: { skip: number; arrived: () => void } | null = null;

  const state: Omit<LocalKlaviyo, "url" | "close"> = {
    events: [],
    eventRequests: 0,
    profiles: new Map(),
    requests: [],
    outage: false,
    keys: new Set(keys),
    holdEvent(skip = 0) {
      return new Promise<void>((resolve) => {
        hold = { skip, arrived: resolve };
      });
    },
  };

  const server = http.createServer(async (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    const record = (status: number) => state.requests.push({ method: req.method ?? "", path, status });
    const fail = (status: number, detail: string) => {
      record(status);
      jsonApiError(res, status, detail);
    };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);

    if (state.outage) return fail(503, "Service unavailable");
    const route = `${req.method} ${path}`;
    if (!["GET /api/accounts", "POST /api/events", "POST /api/profile-import"].includes(route)) {
      return fail(req.url && ["/api/accounts", "/api/events", "/api/profile-import"].includes(path) ? 405 : 404, `No route ${route}`);
    }
    const auth = /^Klaviyo-API-Key (\S+)$/.exec(req.headers.authorization ?? "");
    if (!auth) return fail(401, "Missing or malformed Authorization header: expected 'Klaviyo-API-Key <private key>'");
    if (!state.keys.has(auth[1])) return fail(401, "Incorrect authentication credentials.");
    const revision = REVISION.exec(String(req.headers.revision ?? ""));
    if (!revision || revision[1] < FIRST_REVISION) return fail(400, "A valid revision header (YYYY-MM-DD) is required.");

    if (route === "GET /api/accounts") {
      record(200);
      res.writeHead(200, { "content-type": "application/vnd.api+json" });
      res.end(JSON.stringify({ data: [{ type: "account", id: "LOCAL1", attributes: { contact_information: { organization_name: "Local shop" } } }] }));
      return;
    }
    if (!/^application\/(vnd\.api\+)?json\b/.test(req.headers["content-type"] ?? "")) {
      return fail(415, "Content-Type must be application/vnd.api+json");
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return fail(400, "The body is not JSON");
    }

    if (route === "POST /api/events") {
      const parsed = eventBody.safeParse(body);
      if (!parsed.success) return fail(400, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      const attributes = parsed.data.data.attributes;
      state.eventRequests++;
      const uniqueId = attributes.unique_id ?? null;
      if (!uniqueId || !state.events.some((e) => e.uniqueId === uniqueId)) {
        state.events.push({
          uniqueId,
          metric: attributes.metric.data.attributes.name,
          email: attributes.profile.data.attributes.email ?? null,
          properties: attributes.properties,
          time: attributes.time ?? null,
          value: attributes.value ?? null,
        });
      }
      record(202);
      if (hold && hold.skip-- === 0) {
        const { arrived } = hold;
        hold = null;
        held.push(res);
        arrived();
        return;
      }
      res.writeHead(202);
      res.end();
      return;
    }

    const parsed = profileBody.safeParse(body);
    if (!parsed.success) return fail(400, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const attributes = parsed.data.data.attributes;
    const email = attributes.email ?? attributes.external_id ?? attributes.phone_number ?? "";
    const existed = state.profiles.has(email);
    state.profiles.set(email, { ...(state.profiles.get(email) ?? {}), ...(attributes.properties ?? {}) });
    record(existed ? 200 : 201);
    res.writeHead(existed ? 200 : 201, { "content-type": "application/vnd.api+json" });
    res.end(JSON.stringify({ data: { type: "profile", id: `P${state.profiles.size}`, attributes } }));
  });

  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      for (const res of held.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
