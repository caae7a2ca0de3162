import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  installShop,
  proxyRequest,
  respond,
  seedAmbassador,
  storefrontShops,
  type ProxyRequestOptions,
} from "~/models/Storefront/tests/storefront-fixtures";
import * as apply from "../apps.ambassadors.apply/route";
import * as content from "../apps.ambassadors.content/route";
import * as feedback from "../apps.ambassadors.feedback/route";
import * as portal from "../apps.ambassadors.portal/route";
import * as shareLink from "../apps.ambassadors.r.$code/route";

// Every app-proxy route trusts nothing it is not signed for: a valid signature is
// served; a tampered, stale or missing one is 401 and nothing is written.
const newShop = storefrontShops();
const shop = newShop("proxy-signatures");
const customerId = "5550001";

async function storedRows() {
  const where = { shop };
  const [applications, content, feedback, clicks, windows] = await Promise.all([
    prisma.ambassadorApplication.count({ where }),
    prisma.contentSubmission.count({ where }),
    prisma.ambassadorFeedback.count({ where }),
    prisma.shareClick.count({ where }),
    prisma.rateLimitWindow.count({ where }),
  ]);
  return { applications, content, feedback, clicks, windows };
}

type Handler = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response> | Response;

interface ProxyRoute {
  name: string;
  path: string;
  handler: Handler;
  params?: Record<string, string>;
  form?: Record<string, string>;
  validStatus: number;
}

const routes: ProxyRoute[] = [
  { name: "GET /portal", path: "/apps/ambassadors/portal", handler: portal.loader as Handler, validStatus: 200 },
  {
    name: "POST /apply",
    path: "/apps/ambassadors/apply",
    handler: apply.action as Handler,
    form: { name: "Ada Lovelace", email: "ada@example.com", social_handle: "@ada", reason: "Great tea", consent: "on", website: "" },
    validStatus: 200,
  },
  {
    name: "POST /content",
    path: "/apps/ambassadors/content",
    handler: content.action as Handler,
    form: { url: "https://example.com/my-video", note: "Unboxing" },
    validStatus: 200,
  },
  {
    name: "POST /feedback",
    path: "/apps/ambassadors/feedback",
    handler: feedback.action as Handler,
    form: { rating: "5", message: "Love it" },
    validStatus: 200,
  },
  {
    name: "GET /r/:code",
    path: "/apps/ambassadors/r/JANE123",
    handler: shareLink.loader as Handler,
    params: { code: "JANE123" },
    validStatus: 302,
  },
];

function requestFor(route: ProxyRoute, overrides: Partial<ProxyRequestOptions> = {}) {
  return proxyRequest(route.path, { shop, customerId, form: route.form, ...overrides });
}

function call(route: ProxyRoute, request: Request) {
  return respond(() => route.handler({ request, params: route.params ?? {}, context: {} }));
}

beforeAll(async () => {
  await installShop(shop);
  await seedAmbassador(shop, { customerId, status: "active", code: "JANE123" });
});

describe.each(routes)("app proxy $name", (route) => {
  it("serves a request Shopify signed", async () => {
    const response = await call(route, requestFor(route));
    expect(response.status).toBe(route.validStatus);
  });

  it("refuses a tampered request with 401 and writes nothing", async () => {
    const before = await storedRows();
    const url = new URL(requestFor(route).url);
    url.searchParams.set("logged_in_customer_id", "5550002");
    const signed = requestFor(route);
    const response = await call(route, new Request(url, { method: signed.method, headers: signed.headers, body: signed.body, duplex: "half" } as RequestInit));
    expect(response.status).toBe(401);
    expect(await storedRows()).toEqual(before);
  });

  it("refuses a stale signature (a replayed request) with 401 and writes nothing", async () => {
    const before = await storedRows();
    const response = await call(route, requestFor(route, { now: Date.now() - 10 * 60_000 }));
    expect(response.status).toBe(401);
    expect(await storedRows()).toEqual(before);
  });

  it("refuses a request without a signature with 401 and writes nothing", async () => {
    const before = await storedRows();
    const url = new URL(requestFor(route).url);
    url.searchParams.delete("signature");
    const signed = requestFor(route);
    const response = await call(route, new Request(url, { method: signed.method, headers: signed.headers, body: signed.body, duplex: "half" } as RequestInit));
    expect(response.status).toBe(401);
    expect(await storedRows()).toEqual(before);
  });
});
