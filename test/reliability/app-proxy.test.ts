/**
 * Reliability suite, app-proxy half: every storefront route under app/routes/apps.ambassadors.*
 * (found on disk, so a new route is covered) against what a shopper's browser or an
 * attacker can send through Shopify's proxy.
 *
 * - tampered, stale or missing signature → 401 and no row written anywhere;
 * - fast-check fuzzing of form fields and query parameters (unicode, huge strings,
 *   missing and repeated keys, wrong types, injection-looking text, odd content types,
 *   any logged_in_customer_id), signed as Shopify would sign them → never a 5xx, and
 *   either the route's complete write or none: a refused request (4xx) changes no table
 *   but the rate-limit counters, an accepted one stores exactly its one row.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import prisma from "~/db.server";
import { drainJobs } from "~/jobs/runner.server";
import {
  deleteStorefrontData,
  installShop,
  proxyRequest,
  respond,
  seedAmbassador,
  storefrontShops,
} from "~/models/Storefront/tests/storefront-fixtures";
import { repoRoot } from "#/demo/app-config";
import { countChanges, rowCounts } from "./database-snapshot";
import { recordReliability } from "./ledger";

type Handler = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response> | Response;

interface ProxyRoute {
  /** e.g. "apps.ambassadors.r.$code" */
  folder: string;
  path: (params: Record<string, string>) => string;
  paramNames: string[];
  loader?: Handler;
  action?: Handler;
}

const ROUTES_DIR = path.join(repoRoot, "app/routes");
const folders = fs.readdirSync(ROUTES_DIR).filter((name) => name.startsWith("apps.ambassadors.") && fs.existsSync(path.join(ROUTES_DIR, name, "route.ts")));
const routes: ProxyRoute[] = [];
const AMBASSADOR_CUSTOMER = "5550001";
const CODE = "JANE123";
const newShop = storefrontShops();
const shop = newShop("proxy-fuzz");
const tally = { inputsFuzzed: 0, faultsInjected: 0, duplicatesSent: 0, lost: 0 };

beforeAll(async () => {
  for (const folder of folders) {
    const segments = folder.split(".").slice(1); // ["ambassadors", "r", "$code"]
    const module = (await import(path.join(ROUTES_DIR, folder, "route.ts"))) as { loader?: Handler; action?: Handler };
    routes.push({
      folder,
      paramNames: segments.filter((segment) => segment.startsWith("$")).map((segment) => segment.slice(1)),
      path: (params) => `/apps/${segments.map((segment) => (segment.startsWith("$") ? encodeURIComponent(params[segment.slice(1)] ?? "") : segment)).join("/")}`,
      loader: module.loader,
      action: module.action,
    });
  }
  await installShop(shop);
  await seedAmbassador(shop, { customerId: AMBASSADOR_CUSTOMER, status: "active", code: CODE });
});

afterAll(async () => {
  recordReliability({ suite: "app-proxy", ...tally });
  await drainJobs();
  await deleteStorefrontData(shop);
});

it("finds the storefront routes", () => {
  expect(folders.sort()).toEqual(expect.arrayContaining(["apps.ambassadors.apply", "apps.ambassadors.portal", "apps.ambassadors.r.$code"]));
});

/** Each exported handler of each route, with the method that reaches it. */
function handlers() {
  return routes.flatMap((route) => [
    ...(route.loader ? [{ route, method: "GET" as const, handler: route.loader }] : []),
    ...(route.action ? [{ route, method: "POST" as const, handler: route.action }] : []),
  ]);
}

const VALID_FORMS: Record<string, Record<string, string>> = {
  "apps.ambassadors.apply": { name: "Ada Lovelace", email: "ada@example.com", social_handle: "@ada", reason: "Great tea", consent: "on", website: "" },
  "apps.ambassadors.content": { url: "https://example.com/my-video", note: "Unboxing" },
  "apps.ambassadors.feedback": { rating: "5", message: "Love it" },
};

function signedRequest(route: ProxyRoute, method: "GET" | "POST", now?: number) {
  const params = Object.fromEntries(route.paramNames.map((name) => [name, CODE]));
  return proxyRequest(route.path(params), {
    shop,
    customerId: AMBASSADOR_CUSTOMER,
    method,
    form: method === "POST" ? (VALID_FORMS[route.folder] ?? {}) : undefined,
    now,
  });
}

function rebuilt(request: Request, mutate: (url: URL) => void) {
  const url = new URL(request.url);
  mutate(url);
  return new Request(url, { method: request.method, headers: request.headers, body: request.body, duplex: "half" } as RequestInit);
}

describe("signatures", () => {
  // Test cases are built at collection time; the routes are imported in beforeAll.
  const cases = folders.flatMap((folder) => [`${folder} GET`, `${folder} POST`]);
  const attacks: [string, (request: Request) => Request][] = [
    ["tampered (customer id changed after signing)", (request) => rebuilt(request, (url) => url.searchParams.set("logged_in_customer_id", "5550002"))],
    ["tampered (shop changed after signing)", (request) => rebuilt(request, (url) => url.searchParams.set("shop", "other-shop.myshopify.com"))],
    ["signature missing", (request) => rebuilt(request, (url) => url.searchParams.delete("signature"))],
    ["signature of another secret", (request) => rebuilt(request, (url) => url.searchParams.set("signature", "0".repeat(64)))],
  ];

  it.each(cases.flatMap((name) => [...attacks.map(([attack]) => [name, attack] as const), [name, "stale (signed 10 minutes ago)"] as const]))(
    "%s, %s → 401, nothing written",
    async (name, attack) => {
      const found = handlers().find(({ route, method }) => `${route.folder} ${method}` === name);
      if (!found) return; // the route has no handler for this method
      const request =
        attack.startsWith("stale")
          ? signedRequest(found.route, found.method, Date.now() - 10 * 60_000)
          : attacks.find(([label]) => label === attack)![1](signedRequest(found.route, found.method));
      const before = await rowCounts();
      tally.inputsFuzzed++;
      const response = await respond(() => found.handler({ request, params: Object.fromEntries(found.route.paramNames.map((p) => [p, CODE])), context: {} }));
      const changes = countChanges(before, await rowCounts());
      tally.lost += changes.length;
      expect(response.status).toBe(401);
      expect(changes).toEqual([]);
    },
  );
});

// ---- Fuzzing ------------------------------------------------------------------------

const INJECTION = [
  "' OR 1=1 --",
  "\"; DROP TABLE \"AmbassadorApplication\"; --",
  "<script>alert(1)</script>",
  "javascript:alert(1)",
  "${7*7}{{7*7}}",
  "../../../etc/passwd",
  "%00%0d%0a",
  "\u0000\u0001\u007f",
  "\u202eevil\u202c",
  "🧑🏽‍🚀👩‍👩‍👧",
  "Ｆｕｌｌｗｉｄｔｈ",
  "=HYPERLINK(\"http://x\")",
  "null",
  "undefined",
  "[object Object]",
  "1e309",
  "-1",
  "NaN",
  "0x1F",
  "[]",
  "{\"a\":1}",
];

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme" }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary" }) },
  { weight: 3, arbitrary: fc.constantFrom(...INJECTION) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.constant("") },
  { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 3000 }) },
  { weight: 1, arbitrary: fc.nat({ max: 20_000 }).map((n) => "x".repeat(n)) },
);

/** Plausible values for the known fields, so that some inputs are accepted. */
const plausible: Record<string, fc.Arbitrary<string>> = {
  name: fc.constantFrom("Ada Lovelace", "Zoë Ørsted", "李小龍"),
  email: fc.oneof(fc.emailAddress(), fc.constantFrom("ADA@Example.com ", "a@b.co")),
  social_handle: fc.constantFrom("@ada", ""),
  reason: fc.constantFrom("Great tea", ""),
  consent: fc.constantFrom("on", "true", "yes"),
  website: fc.constant(""),
  url: fc.oneof(fc.webUrl(), fc.constantFrom("https://example.com/video", "ftp://x.y", "https://localhost")),
  note: fc.constantFrom("", "Unboxing"),
  rating: fc.constantFrom("1", "5", "0", "6", "", "4.5"),
  message: fc.constantFrom("Love it", ""),
};

const fieldValue = (field: string) => fc.oneof({ weight: 2, arbitrary: plausible[field] ?? text }, { weight: 1, arbitrary: text });

/** Form pairs: each known field absent, once or repeated, plus unknown keys. */
function formPairs(fields: string[]) {
  return fc
    .tuple(
      ...fields.map((field) =>
        fc.option(fc.array(fieldValue(field), { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 4 }).map((values) => (values ?? []).map((value) => [field, value] as [string, string])),
      ),
      fc.array(fc.tuple(fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor", "email[]", "")), text), { maxLength: 3 }),
    )
    .map((groups) => groups.flat() as [string, string][]);
}

const contentType = fc.constantFrom(
  "application/x-www-form-urlencoded",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=nope",
  "application/json",
  "text/plain",
  "",
);

const customerId = fc.oneof(
  fc.constant(AMBASSADOR_CUSTOMER),
  fc.constant(""),
  fc.bigInt({ min: 1n, max: 10n ** 20n }).map(String),
  text,
);

const query = fc.dictionary(
  fc.oneof(fc.constantFrom("to", "ref", "utm_source", "shop[]", "signature2"), fc.string({ maxLength: 10 })).filter((key) => !["shop", "signature", "timestamp", "logged_in_customer_id", "path_prefix"].includes(key)),
  fc.array(text, { minLength: 1, maxLength: 2 }),
  { maxKeys: 3 },
);

function encodeForm(pairs: [string, string][], type: string): { body: string; type: string } {
  if (type.startsWith("multipart/form-data") && !type.includes("boundary")) {
    const boundary = "----fuzz" + Math.random().toString(36).slice(2);
    const body = pairs
      .map(([key, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${key.replace(/"/g, "%22")}"\r\n\r\n${value}\r\n`)
      .join("") + `--${boundary}--\r\n`;
    return { body, type: `multipart/form-data; boundary=${boundary}` };
  }
  const search = new URLSearchParams();
  for (const [key, value] of pairs) search.append(key, value);
  return { body: search.toString(), type };
}

/** The tables a storefront route writes (rate-limit counters count attempts, so they are not an effect). */
const IGNORED = new Set(["RateLimitWindow"]);

describe("fuzzing", () => {
  const FORM_FIELDS: Record<string, string[]> = {
    "apps.ambassadors.apply": ["name", "email", "social_handle", "reason", "consent", "website"],
    "apps.ambassadors.content": ["url", "note"],
    "apps.ambassadors.feedback": ["rating", "message"],
  };
  /** The one table an accepted POST writes a row to (apply may merge into an existing row). */
  const EFFECT_TABLE: Record<string, string> = {
    "apps.ambassadors.apply": "AmbassadorApplication",
    "apps.ambassadors.content": "ContentSubmission",
    "apps.ambassadors.feedback": "AmbassadorFeedback",
  };

  it.each(folders.flatMap((folder) => [[folder, "GET"], [folder, "POST"]] as const))("%s %s: never a 5xx, a complete write or none", async (folder, method) => {
    const route = routes.find((r) => r.folder === folder)!;
    const handler = method === "GET" ? route.loader : route.action;
    if (!handler) return;
    const fields = FORM_FIELDS[folder] ?? ["email", "message"];
    const params = fc.record(Object.fromEntries(route.paramNames.map((name) => [name, fc.oneof(fc.constant(CODE), fc.constant(CODE.toLowerCase()), text)])) as Record<string, fc.Arbitrary<string>>);

    await fc.assert(
      fc.asyncProperty(formPairs(fields), contentType, customerId, query, params, async (pairs, type, customer, extraQuery, routeParams) => {
        tally.inputsFuzzed++;
        // Each input on its own: limits that would refuse the hundredth submission are tested elsewhere.
        await prisma.rateLimitWindow.deleteMany({ where: { shop } });
        const url = new URL(proxyRequest(route.path(routeParams), { shop, customerId: customer, query: extraQuery, method: "GET" }).url);
        const form = method === "POST" ? encodeForm(pairs, type) : null;
        const request = new Request(url, {
          method,
          headers: {
            "X-Forwarded-For": "203.0.113.7",
            "User-Agent": "fuzz",
            ...(form ? { "Content-Type": form.type } : {}),
          },
          body: form?.body,
        });
        const submissions = async () =>
          new Map((await prisma.ambassadorApplication.findMany({ where: { shop }, select: { id: true, submissions: true } })).map((row) => [row.id, row.submissions]));
        const applicationsBefore = folder === "apps.ambassadors.apply" ? await submissions() : new Map();
        const before = await rowCounts();
        let status: number;
        try {
          const response = await respond(() => handler({ request, params: routeParams, context: {} }));
          status = response.status;
        } catch (error) {
          tally.lost++;
          throw error;
        }
        await drainJobs();
        const changes = countChanges(before, await rowCounts()).filter((change) => !IGNORED.has(change.split(" ")[0]));
        const accepted = status >= 200 && status < 400;
        let complete: boolean;
        if (!accepted || method === "GET" && !folder.includes("$")) {
          complete = changes.length === 0;
        } else if (folder.includes("$")) {
          // A share link: at most the one click row.
          complete = changes.length === 0 || (changes.length === 1 && changes[0] === "ShareClick +1");
        } else if (folder === "apps.ambassadors.apply") {
          const honeypot = pairs.some(([key, value]) => key === "website" && value.trim() !== "");
          // One application created, with its "application received" event, or merged into
          // (its submission count up by one).
          const after = await submissions();
          const touched = [...after].filter(([id, count]) => count !== applicationsBefore.get(id)).length;
          const created = JSON.stringify([...changes].sort()) === JSON.stringify(["AmbassadorApplication +1", "ProgramEvent +1"]);
          complete = honeypot ? changes.length === 0 : touched === 1 && (changes.length === 0 || created);
        } else {
          complete = changes.length === 1 && changes[0] === `${EFFECT_TABLE[folder]} +1`;
        }
        if (status >= 500 || !complete) tally.lost++;
        expect(status, `status for ${JSON.stringify({ pairs, type, customer, extraQuery, routeParams }).slice(0, 500)}`).toBeLessThan(500);
        expect(complete, `writes ${JSON.stringify(changes)} with status ${status}`).toBe(true);
      }),
      // No shrinking: the first failing input is reported as generated (shrinking a 16 KB form takes minutes).
      { numRuns: method === "POST" ? 100 : 50, endOnFailure: true },
    );
  }, 120_000);
});
