import { createAdminApiClient } from "@shopify/admin-api-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_API_VERSION } from "../../../app/api-version";
import type { LocalShop } from "../index";
import { gql, startShop, type GraphqlBody } from "./helpers";

const TAG = `mutation TagCustomer($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }`;
const SHOP_NAME = `query ShopName { shop { name } }`;

describe("fault injection", () => {
  let shop: LocalShop;
  let token: string;
  let customerId: string;
  const tagsOfCustomer = () => shop.store.customers[0].tags;

  /** A raw POST, so tests see exactly what the app's HTTP client would. */
  function post(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal) {
    return fetch(shop.graphqlUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  }
  const tag = (tags: string[], signal?: AbortSignal) => post(TAG, { id: customerId, tags }, signal);

  beforeAll(async () => {
    shop = await startShop();
    token = shop.issueAccessToken();
    customerId = `gid://shopify/Customer/${shop.store.addCustomer({ email: "f@example.com" }).id}`;
  });
  afterEach(() => shop.faults.clear());
  afterAll(() => shop.close());

  it("throttled: a real THROTTLED answer for the named operation only, once, executing nothing", async () => {
    const fault = shop.faults.add({ kind: "throttled", operationName: "TagCustomer" });
    expect(await (await post(SHOP_NAME)).json()).toMatchObject({ data: { shop: { name: "Demo Shop" } } });

    const response = await tag(["throttled"]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as GraphqlBody;
    expect(body).toEqual({
      errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
      extensions: {
        cost: {
          requestedQueryCost: 13,
          actualQueryCost: null,
          // Just short of the query, as a real throttle looks; the real bucket is untouched.
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 12, restoreRate: 100 },
        },
      },
    });
    expect(tagsOfCustomer()).not.toContain("throttled");
    expect(fault).toMatchObject({ remaining: 0, injected: 1 });
    expect(shop.store.stats.faultsInjected.throttled).toBe(1);
    expect(shop.store.stats.throttled).toBe(0);

    // times defaults to 1: the retry goes through.
    expect(((await (await tag(["throttled"])).json()) as GraphqlBody).data.tagsAdd.userErrors).toEqual([]);
    expect(tagsOfCustomer()).toContain("throttled");
  });

  it("http5xx: 502 (default) or 503 with an HTML body, `times` times", async () => {
    shop.faults.add({ kind: "http5xx", rootField: "shop", times: 2 });
    const first = await post(SHOP_NAME);
    expect(first.status).toBe(502);
    expect(first.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await first.text()).toMatch(/^<!DOCTYPE html>[\s\S]*<title>502 Bad Gateway<\/title>/);
    expect((await post(SHOP_NAME)).status).toBe(502);
    expect((await post(SHOP_NAME)).status).toBe(200);

    shop.faults.add({ kind: "http5xx", status: 503 });
    const unavailable = await tag(["never-503"]);
    expect(unavailable.status).toBe(503);
    expect(await unavailable.text()).toContain("<h1>503 Service Unavailable</h1>");
    expect(tagsOfCustomer()).not.toContain("never-503");
    expect(shop.store.stats.faultsInjected.http5xx).toBe(3);
  });

  it("http5xx with executes: the mutation happened although the app saw a 502", async () => {
    shop.faults.add({ kind: "http5xx", operationName: /^Tag/, executes: true });
    expect((await tag(["applied-despite-502"])).status).toBe(502);
    expect(tagsOfCustomer()).toContain("applied-despite-502");
  });

  it("Shopify's own client retries an injected 503 and surfaces a 502", async () => {
    const client = createAdminApiClient({
      storeDomain: shop.shopDomain,
      apiVersion: ADMIN_API_VERSION,
      accessToken: token,
      customFetchApi: (url, init) => fetch(String(url).replace(`https://${shop.shopDomain}`, shop.url), init),
    });
    shop.faults.add({ kind: "http5xx", status: 503 });
    const retried = await client.request(SHOP_NAME, { retries: 1 });
    expect(retried.data).toEqual({ shop: { name: "Demo Shop" } });
    expect(shop.store.stats.faultsInjected.http5xx).toBeGreaterThanOrEqual(1);

    shop.faults.add({ kind: "http5xx" });
    const failed = await client.request(SHOP_NAME, { retries: 1 });
    expect(failed.errors).toMatchObject({ networkStatusCode: 502 });
  }, 10_000);

  it("timeout: no answer until the client gives up; the request is dropped unhandled", async () => {
    shop.faults.add({ kind: "timeout", rootField: "tagsAdd" });
    await expect(tag(["never-timeout"], AbortSignal.timeout(150))).rejects.toMatchObject({ name: "TimeoutError" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(tagsOfCustomer()).not.toContain("never-timeout");
    expect(shop.store.stats.faultsInjected.timeout).toBe(1);
    expect((await tag(["after-timeout"])).status).toBe(200);
  });

  it("timeout with delayMs: a slow answer that a patient client still gets", async () => {
    shop.faults.add({ kind: "timeout", delayMs: 120 });
    const started = Date.now();
    const body = (await (await post(SHOP_NAME)).json()) as GraphqlBody;
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(body.data).toEqual({ shop: { name: "Demo Shop" } });
  });

  it("timeout with executes: the effect happens, the answer never comes", async () => {
    shop.faults.add({ kind: "timeout", executes: true });
    await expect(tag(["applied-then-timeout"], AbortSignal.timeout(150))).rejects.toMatchObject({ name: "TimeoutError" });
    expect(tagsOfCustomer()).toContain("applied-then-timeout");
  });

  it("networkReset: the connection is reset (ECONNRESET), with or without the effect", async () => {
    shop.faults.add({ kind: "networkReset", rootField: "tagsAdd" });
    const reset = await tag(["never-reset"]).catch((error: unknown) => error);
    expect(reset).toBeInstanceOf(TypeError);
    expect((reset as TypeError & { cause?: { code?: string } }).cause?.code).toBe("ECONNRESET");
    expect(tagsOfCustomer()).not.toContain("never-reset");

    shop.faults.add({ kind: "networkReset", executes: true });
    await expect(tag(["applied-then-reset"])).rejects.toThrow();
    expect(tagsOfCustomer()).toContain("applied-then-reset");
    expect(shop.store.stats.faultsInjected.networkReset).toBe(2);
  });

  it("userErrors: the payload carries the given errors, nothing executes, queries pass by", async () => {
    const taken = { field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" };
    shop.faults.add({ kind: "userErrors", userErrors: [taken] });
    expect((await gql(shop, SHOP_NAME)).data.shop.name).toBe("Demo Shop"); // a query: not taken
    const spent = shop.store.stats.pointsSpent;
    const body = await gql(shop, `mutation CreateDiscount($input: DiscountCodeBasicInput!) {
      discountCodeBasicCreate(basicCodeDiscount: $input) { __typename codeDiscountNode { id } userErrors { field message code extraInfo } }
    }`, {
      input: { title: "T", code: "FAULTY", startsAt: "2025-01-01T00:00:00Z", customerGets: { value: { percentage: 0.1 }, items: { all: true } } },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data.discountCodeBasicCreate).toEqual({
      __typename: "DiscountCodeBasicCreatePayload",
      codeDiscountNode: null,
      userErrors: [{ ...taken, extraInfo: null }],
    });
    expect(shop.store.findRedeemCode("FAULTY")).toBeUndefined();
    expect(shop.store.stats.pointsSpent).toBeGreaterThan(spent); // charged like any mutation
    expect(shop.store.stats.faultsInjected.userErrors).toBe(1);
  });

  it("matches by operation name (string or RegExp) and root field; Infinity lasts until clear()", async () => {
    shop.faults.add({ kind: "http5xx", operationName: "Other" });
    shop.faults.add({ kind: "http5xx", rootField: "customers" });
    shop.faults.add({ kind: "throttled", operationName: /^Shop/, times: Infinity });
    expect((await post(SHOP_NAME)).status).toBe(200); // answered by the throttled fault: 200 with errors
    expect(((await (await post(SHOP_NAME)).json()) as GraphqlBody).errors?.[0].extensions?.code).toBe("THROTTLED");
    expect((await post(`{ shop { name } }`)).status).toBe(200); // anonymous: no name to match
    expect((await post(`query Other { shop { name } }`)).status).toBe(502);
    expect((await post(`{ customers(first: 1) { nodes { id } } }`)).status).toBe(502);
    expect(shop.faults.pending().map((f) => f.spec.kind)).toEqual(["throttled"]);
    shop.faults.clear();
    expect(shop.faults.pending()).toEqual([]);
    expect(((await (await post(SHOP_NAME)).json()) as GraphqlBody).errors).toBeUndefined();
  });

  it("leaves invalid requests alone: they fail as usual and do not use up a fault", async () => {
    shop.faults.add({ kind: "http5xx" });
    const broken = (await (await post(`{ shop { name `)).json()) as GraphqlBody;
    expect(broken.errors?.[0].extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(shop.faults.pending()).toHaveLength(1);
  });

  it("refuses a fault it could not act out", () => {
    expect(() => shop.faults.add({ kind: "userErrors" })).toThrow(/needs userErrors/);
    expect(() => shop.faults.add({ kind: "http5xx", status: 404 })).toThrow(/must be 5xx/);
    expect(() => shop.faults.add({ kind: "throttled", times: 0 })).toThrow(/times/);
    expect(() => shop.faults.add({ kind: "throttled", executes: true })).toThrow(/executes/);
    expect(() => shop.faults.add({ kind: "slow" as never })).toThrow(/unknown kind/);
  });

  it("closes promptly with a request still held", async () => {
    const held = await startShop();
    held.faults.add({ kind: "timeout" });
    const pending = held.graphql(SHOP_NAME).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await held.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
