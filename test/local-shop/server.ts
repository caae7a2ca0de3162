import http from "node:http";
import type { AddressInfo } from "node:net";
import { ADMIN_API_VERSION } from "../../app/api-version";
import { signAppProxyParams, type ProxyParams } from "./app-proxy";
import { BulkQueryRunner, jsonlText } from "./bulk/runner";
import { FaultInjector, type LocalShopFaults } from "./faults";
import {
  answerGraphqlRequest,
  isTransportFault,
  type GraphqlHttpAnswer,
  type GraphqlRequestBody,
  type GraphqlRuntime,
  type TransportFault,
} from "./graphql-endpoint";
import { gid } from "./ids";
import { completeCheckout, type CheckoutInput, type CheckoutResult } from "./checkout";
import { answerAccessTokenRequest } from "./oauth";
import type { BulkOperationRecord, RefundRecord } from "./records";
import { completeRedeemCodeBulkCreation } from "./resolvers/discounts";
import type { LocalShopServices } from "./resolvers";
import { loadAdminSchema } from "./schema";
import { seedStore, type SeedOptions, type SeedSummary } from "./seed";
import { mintSessionToken } from "./session-token";
import { DEFAULT_GRANTED_SCOPES, LocalShopStore } from "./store";
import { LeakyBucket, type ThrottleOptions } from "./throttle";
import { buildWebhook, deliverWebhook, type WebhookOptions } from "./webhooks";
import { orderWebhookPayload, refundWebhookPayload } from "./webhook-payloads";

export interface LocalShopOptions {
  /** Default "demo-shop.myshopify.com". */
  shopDomain?: string;
  shopName?: string;
  apiKey: string;
  apiSecret: string;
  /** Where webhooks go: `appUrl + webhookSubscriptions[topic]`. */
  appUrl?: string;
  /** Topic ("orders/create", "bulk_operations/finish", …) → path on the app. */
  webhookSubscriptions?: Record<string, string>;
  /** Default: customers, orders (+ read_all_orders) and discounts, read and write. */
  grantedScopes?: string[];
  /** The storefront's primary domain (default: the myshopify.com domain); `store.shop` may change it later. */
  primaryDomainUrl?: string;
  throttle?: ThrottleOptions;
  /** Clock for throttling, data timestamps and the 60-day order window (default Date.now). */
  now?: () => number;
  bulkChunkDelayMs?: number;
  bulkChunkSize?: number;
  /** Awaited before each chunk of a bulk query (see BulkRunnerOptions.chunkGate). */
  bulkChunkGate?: (chunk: number) => Promise<void> | void;
  /** How long `discountRedeemCodeBulkAdd` and jobs (`discountCodeRedeemCodeBulkDelete`) take to finish (default 20 ms). */
  redeemCodeBulkDelayMs?: number;
  /** Offline access tokens to accept from the start (e.g. ones a demo session DB holds). */
  accessTokens?: string[];
  seed?: SeedOptions;
  /** Default 0: any free port. */
  port?: number;
}

export interface LocalShop {
  /** http://127.0.0.1:PORT */
  url: string;
  /** The Admin GraphQL endpoint of this API version. */
  graphqlUrl: string;
  shopDomain: string;
  store: LocalShopStore;
  seedSummary: SeedSummary | null;
  /** Issues an offline access token, as a finished OAuth would. */
  issueAccessToken(): string;
  /** POSTs a GraphQL request (with the shop's own token unless one is given); returns status and JSON. */
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    options?: { accessToken?: string },
  ): Promise<{ status: number; body: Record<string, unknown> & { data?: unknown; errors?: unknown; extensions?: unknown } }>;
  sendWebhook(topic: string, payload: unknown, options?: WebhookOptions & { path?: string }): Promise<Response>;
  /**
   * A shopper's checkout (see checkout.ts): the order is created, and orders/create is sent
   * to the app when subscribed. A delivery the app does not take is recorded in
   * `store.webhookDeliveries`, as Shopify would retry it: the shopper's order stands.
   */
  checkout(input: CheckoutInput): Promise<CheckoutResult>;
  /**
   * The merchant refunds an order in Shopify admin (all that is left by default): the
   * refund is recorded, then refunds/create and orders/updated are sent when subscribed.
   */
  refundOrder(orderId: number, input?: { amountCents?: number; note?: string | null }): Promise<RefundRecord>;
  signAppProxyQuery(params?: { loggedInCustomerId?: string; extra?: ProxyParams }): URLSearchParams;
  /** A session token for this shop and app (what App Bridge hands the app). */
  mintSessionToken(options?: { userId?: string | number; ttlSeconds?: number }): string;
  /** Resolves once no bulk operation is running. */
  waitForBulkOperations(): Promise<void>;
  /** Makes the next matching GraphQL requests fail (throttled, 5xx, timeout, …); see faults.ts. */
  faults: LocalShopFaults;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 20 * 1024 * 1024;

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** What a proxy in front of Shopify answers when the shop behind it fails: HTML, not JSON. */
function sendHtmlError(response: http.ServerResponse, status: number) {
  const title = `${status} ${http.STATUS_CODES[status] ?? "Server Error"}`;
  response.writeHead(status, { "Content-Type": "text/html; charset=utf-8" });
  response.end(
    `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n` +
      `<body>\n<h1>${title}</h1>\n<p>There was a problem loading this page. Please try again in a few moments.</p>\n</body>\n</html>\n`,
  );
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  response.end(text);
}

/** JSON or form-encoded body → flat string map (what the OAuth endpoint accepts). */
function parseParams(contentType: string | undefined, body: string): Record<string, string> {
  if (contentType?.includes("application/json")) {
    const parsed = JSON.parse(body || "{}") as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  return Object.fromEntries(new URLSearchParams(body));
}

/** Starts one local Shopify store on loopback. */
export async function startLocalShop(options: LocalShopOptions): Promise<LocalShop> {
  const shopDomain = options.shopDomain ?? "demo-shop.myshopify.com";
  const now = options.now ?? Date.now;
  const schema = loadAdminSchema();
  const store = new LocalShopStore({
    shopDomain,
    now,
    grantedScopes: options.grantedScopes ?? DEFAULT_GRANTED_SCOPES,
    shopName: options.shopName,
    primaryDomainUrl: options.primaryDomainUrl,
  });
  for (const token of options.accessTokens ?? []) store.issueAccessToken({ token });
  const seedSummary = options.seed ? seedStore(store, options.seed) : null;

  let baseUrl = "";
  const timers = new Set<NodeJS.Timeout>();
  /** Runs `task` after the delay asynchronous redeem-code work takes; cancelled by close(). */
  function later(task: () => void) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      task();
    }, options.redeemCodeBulkDelayMs ?? 20);
    timers.add(timer);
  }
  const services: LocalShopServices = {
    baseUrl: () => baseUrl,
    startBulkQuery: (query) => bulkRunner.start(query),
    scheduleRedeemCodeBulkCreation: (creationId) => later(() => completeRedeemCodeBulkCreation(store, creationId)),
    runJobLater: (jobId, work) =>
      later(() => {
        const job = store.jobs.get(jobId);
        if (!job || job.done) return;
        work();
        job.done = true;
      }),
  };
  const bulkRunner = new BulkQueryRunner(schema, store, () => services, {
    chunkDelayMs: options.bulkChunkDelayMs,
    chunkSize: options.bulkChunkSize,
    chunkGate: options.bulkChunkGate,
    onFinish: (operation) => notifyBulkFinished(operation),
  });
  const faults = new FaultInjector(store.stats);
  const runtime: GraphqlRuntime = {
    schema,
    store,
    services,
    bucket: new LeakyBucket(options.throttle ?? {}, now),
    faults,
  };

  /**
   * Waits `delayMs` (default: for ever) unless the client goes away first (or the shop
   * closes, which drops every connection). True when the client is still there.
   */
  function hold(response: http.ServerResponse, delayMs: number | undefined): Promise<boolean> {
    return new Promise((resolve) => {
      const timer =
        delayMs === undefined || !Number.isFinite(delayMs)
          ? undefined
          : setTimeout(() => {
              timers.delete(timer!);
              response.off("close", gone);
              resolve(true);
            }, delayMs);
      if (timer) timers.add(timer);
      function gone() {
        if (timer) {
          clearTimeout(timer);
          timers.delete(timer);
        }
        resolve(false);
      }
      response.once("close", gone);
    });
  }

  /** Acts out an injected transport fault on this exchange instead of answering normally. */
  async function actOut(outcome: TransportFault, request: http.IncomingMessage, response: http.ServerResponse) {
    const { fault } = outcome;
    if (fault.kind === "http5xx") return sendHtmlError(response, fault.status ?? 502);
    // A TCP reset: the client sees ECONNRESET, as when a connection dies mid-request.
    if (fault.kind === "networkReset") return void request.socket.resetAndDestroy();
    if (!(await hold(response, fault.delayMs))) return; // the client gave up: dropped
    const answer: GraphqlHttpAnswer = outcome.answer ?? (await outcome.proceed());
    sendJson(response, answer.status, answer.body, { "X-Shopify-API-Version": ADMIN_API_VERSION });
  }

  async function sendWebhook(topic: string, payload: unknown, webhookOptions: WebhookOptions & { path?: string } = {}) {
    const path = webhookOptions.path ?? options.webhookSubscriptions?.[topic];
    if (!options.appUrl) throw new Error(`local shop: cannot send ${topic}: no appUrl configured`);
    if (!path) throw new Error(`local shop: no webhook subscription for ${topic}`);
    const webhook = buildWebhook({ topic, payload, shopDomain, apiSecret: options.apiSecret }, webhookOptions);
    const url = new URL(path, options.appUrl).toString();
    const delivery = {
      topic,
      webhookId: webhook.headers["X-Shopify-Webhook-Id"],
      url,
      status: null as number | null,
      error: null as string | null,
      sentAt: now(),
    };
    store.webhookDeliveries.push(delivery);
    try {
      const response = await deliverWebhook(url, webhook);
      delivery.status = response.status;
      return response;
    } catch (error) {
      delivery.error = (error as Error).message;
      throw error;
    }
  }

  /** Sends `topic` if the app subscribed to it; a failed delivery stays recorded only. */
  async function notify(topic: string, payload: unknown) {
    if (!options.appUrl || !options.webhookSubscriptions?.[topic]) return;
    try {
      await sendWebhook(topic, payload);
    } catch {
      // Recorded in store.webhookDeliveries (Shopify retries later; the shop carries on).
    }
  }

  async function checkout(input: CheckoutInput): Promise<CheckoutResult> {
    const result = completeCheckout(store, input);
    if (result.ok) await notify("orders/create", orderWebhookPayload(store, result.order));
    return result;
  }

  async function refundOrder(orderId: number, input: { amountCents?: number; note?: string | null } = {}) {
    const refund = store.addRefund(orderId, input);
    const order = store.requireOrder(orderId);
    await notify("refunds/create", refundWebhookPayload(store, order, refund));
    await notify("orders/updated", orderWebhookPayload(store, order));
    return refund;
  }

  function notifyBulkFinished(operation: BulkOperationRecord) {
    const topic = "bulk_operations/finish";
    if (!options.appUrl || !options.webhookSubscriptions?.[topic]) return;
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    sendWebhook(topic, {
      admin_graphql_api_id: gid("BulkOperation", operation.id),
      completed_at: iso(operation.completedAt),
      created_at: iso(operation.createdAt),
      error_code: operation.errorCode?.toLowerCase() ?? null,
      status: operation.status.toLowerCase(),
      type: operation.type.toLowerCase(),
    }).catch(() => {
      // Recorded in store.webhookDeliveries; a down app must not crash the shop.
    });
  }

  const graphqlPath = `/admin/api/${ADMIN_API_VERSION}/graphql.json`;
  let defaultToken: string | undefined;

  async function route(request: http.IncomingMessage, response: http.ServerResponse) {
    const url = new URL(request.url ?? "/", "http://local-shop");
    const path = url.pathname;
    if (request.method === "GET" && path === "/health") return sendJson(response, 200, { ok: true, shop: shopDomain });

    if (request.method === "POST" && /^\/admin\/api\/[^/]+\/graphql\.json$/.test(path)) {
      if (path !== graphqlPath) return sendJson(response, 404, { errors: "Not Found" });
      const token = request.headers["x-shopify-access-token"];
      if (typeof token !== "string" || !store.findAccessToken(token)) {
        return sendJson(response, 401, {
          errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
        });
      }
      let body: GraphqlRequestBody;
      try {
        body = JSON.parse(await readBody(request)) as GraphqlRequestBody;
      } catch {
        return sendJson(response, 400, { errors: "Invalid JSON in request body" });
      }
      const answer = await answerGraphqlRequest(runtime, body ?? {});
      if (isTransportFault(answer)) return actOut(answer, request, response);
      return sendJson(response, answer.status, answer.body, { "X-Shopify-API-Version": ADMIN_API_VERSION });
    }

    if (request.method === "POST" && path === "/admin/oauth/access_token") {
      let params: Record<string, string>;
      try {
        params = parseParams(request.headers["content-type"], await readBody(request));
      } catch {
        return sendJson(response, 400, { error: "invalid_request", error_description: "Unreadable body" });
      }
      const answer = answerAccessTokenRequest(
        { apiKey: options.apiKey, apiSecret: options.apiSecret, shopDomain, store },
        params,
      );
      return sendJson(response, answer.status, answer.body);
    }

    const bulkFile = /^\/bulk\/(\d+)\.jsonl$/.exec(path);
    if (request.method === "GET" && bulkFile) {
      const operation = store.bulkOperations.get(Number(bulkFile[1]));
      if (!operation || !(operation.url || operation.partialDataUrl)) return sendJson(response, 404, { errors: "Not Found" });
      response.writeHead(200, { "Content-Type": "application/jsonl" });
      return response.end(jsonlText(operation));
    }

    return sendJson(response, 404, { errors: "Not Found" });
  }

  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      console.error("local shop: request failed", error);
      if (!response.headersSent) sendJson(response, 500, { errors: `local shop: ${(error as Error).message}` });
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    graphqlUrl: `${baseUrl}${graphqlPath}`,
    shopDomain,
    store,
    seedSummary,
    issueAccessToken: () => store.issueAccessToken().token,
    async graphql(query, variables, requestOptions = {}) {
      const response = await fetch(`${baseUrl}${graphqlPath}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-Shopify-Access-Token": requestOptions.accessToken ?? (defaultToken ??= store.issueAccessToken().token),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    sendWebhook,
    checkout,
    refundOrder,
    signAppProxyQuery: (params = {}) =>
      signAppProxyParams({
        shop: shopDomain,
        secret: options.apiSecret,
        loggedInCustomerId: params.loggedInCustomerId,
        extra: params.extra,
      }),
    mintSessionToken: (tokenOptions = {}) =>
      mintSessionToken({ apiKey: options.apiKey, apiSecret: options.apiSecret, shop: shopDomain, ...tokenOptions }),
    waitForBulkOperations: () => bulkRunner.idle(),
    faults: { add: (spec) => faults.add(spec), clear: () => faults.clear(), pending: () => faults.pending() },
    async close() {
      for (const operation of store.bulkOperations.values()) operation.cancelRequested = true;
      await bulkRunner.idle();
      for (const timer of timers) clearTimeout(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
