/**
 * Test fixtures for the storefront (app proxy) side: signed proxy requests for any shop,
 * ambassadors and codes as the Ambassador model stores them, and clean-up.
 */
import { afterAll } from "vitest";
import { API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import prisma from "~/db.server";
import { signAppProxyParams, type ProxyParams } from "#/local-shop/app-proxy";
import { deleteShopData, uniqueShop } from "#/factories/orders";
import { testEnv } from "#/setup/test-env";

export interface ProxyRequestOptions {
  shop: string;
  customerId?: string | null;
  method?: "GET" | "POST" | "HEAD";
  /** Form fields, sent x-www-form-urlencoded. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Signing time (ms); default now. */
  now?: number;
  /** Storefront query parameters, signed with Shopify's. */
  query?: ProxyParams;
}

/** A storefront request as Shopify's app proxy forwards it: signed query, body untouched. */
export function proxyRequest(path: string, options: ProxyRequestOptions): Request {
  const url = new URL(path, testEnv.SHOPIFY_APP_URL);
  const signed = signAppProxyParams({
    shop: options.shop,
    secret: API_SECRET_KEY,
    loggedInCustomerId: options.customerId ?? "",
    extra: options.query,
    now: options.now,
  });
  url.search = signed.toString();
  const method = options.method ?? (options.form ? "POST" : "GET");
  return new Request(url, {
    method,
    headers: {
      "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
      "X-Forwarded-For": "203.0.113.7, 10.0.0.1",
      ...(options.form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
      ...options.headers,
    },
    body: options.form ? new URLSearchParams(options.form).toString() : undefined,
  });
}

/** Runs a loader or action; a thrown Response (401 from the signature check) is returned. */
export async function respond(run: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await run();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** The offline session an installed shop has (app-proxy requests need it). */
export async function installShop(shop: string) {
  const id = `offline_${shop}`;
  const data = { shop, state: "", isOnline: false, accessToken: "test-token", scope: "" };
  await prisma.session.upsert({ where: { id }, create: { id, ...data }, update: data });
}

/** Shops unique to this file, with everything stored under them erased after it. */
export function storefrontShops(): (label: string) => string {
  const shops: string[] = [];
  afterAll(() => deleteStorefrontData(...shops));
  return (label) => {
    const shop = uniqueShop(label);
    shops.push(shop);
    return shop;
  };
}

export async function deleteStorefrontData(...shops: string[]) {
  const where = { shop: { in: shops } };
  await prisma.$transaction([
    prisma.session.deleteMany({ where }),
    prisma.ambassadorApplication.deleteMany({ where }),
    prisma.ambassador.deleteMany({ where }),
    prisma.ambassadorCode.deleteMany({ where }),
    prisma.ambassadorProgram.deleteMany({ where }),
    prisma.ambassadorEvent.deleteMany({ where }),
    prisma.approvalBatch.deleteMany({ where }),
    prisma.shareClick.deleteMany({ where }),
    prisma.programNews.deleteMany({ where }),
    prisma.ambassadorFeedback.deleteMany({ where }),
    prisma.contentSubmission.deleteMany({ where }),
    prisma.rateLimitWindow.deleteMany({ where }),
  ]);
  await deleteShopData(...shops);
}

export interface SeedAmbassador {
  customerId: string | null;
  status?: "invited" | "active" | "paused" | "removed";
  firstName?: string;
  email?: string;
  /** The current code; omitted → none. */
  code?: string;
  wanted?: "active" | "inactive" | "retired";
  shopifyState?: "absent" | "adding" | "present" | "removing" | "failed";
  /** Codes held before (retired). */
  previousCodes?: string[];
}

/** An ambassador and their codes, as the Ambassador model and provisioning leave them. */
export async function seedAmbassador(shop: string, seed: SeedAmbassador) {
  const ambassador = await prisma.ambassador.create({
    data: {
      shop,
      customerId: seed.customerId,
      status: seed.status ?? "active",
      source: "candidate",
      firstName: seed.firstName ?? "Jane",
      email: seed.email ?? null,
      code: seed.code ?? null,
    },
  });
  for (const code of seed.previousCodes ?? []) {
    await prisma.ambassadorCode.create({
      data: { shop, ambassadorId: ambassador.id, code, wanted: "retired", shopifyState: "absent" },
    });
  }
  if (seed.code) {
    await prisma.ambassadorCode.create({
      data: {
        shop,
        ambassadorId: ambassador.id,
        code: seed.code,
        wanted: seed.wanted ?? "active",
        shopifyState: seed.shopifyState ?? "present",
      },
    });
  }
  return ambassador;
}
