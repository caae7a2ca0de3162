/**
 * The orders/create webhook path under loopback load: Shopify-signed deliveries (HMAC over
 * the raw body, distinct webhook and order ids, 15% with an ambassador's code) POSTed to
 * the app's route, beside a bare route that answers 200, both served by one HTTP server in
 * a child process (the load generator runs in this one: two processes, so each can have a
 * core; on a two-core machine they share the cores, with each other and the kernel's work).
 *
 * - throughput: each route driven as fast as it answers (closed loop, 16 in flight, 4 s
 *   each), in alternating 1 s slices (bare, webhook, webhook, bare, …) so that the machine's
 *   drifts fall on both alike. A webhook slice ends only once the processor has applied
 *   everything acknowledged in it: its throughput is deliveries acknowledged AND applied
 *   (HMAC + attribution) per second, not acknowledgements alone. `ratio` = webhook ÷ bare.
 * - latency: a steady 300 req/s for ~10 s (open loop: latency counted from each request's
 *   scheduled time, so queueing shows); `p99_ms` of the webhook route.
 *
 * The route is app/routes/webhooks.orders.create.tsx as it stands: HMAC (authenticate.
 * webhook), payload check, stored in the webhook inbox (group commit) and acknowledged.
 * Applying (order facts, customer stats, attribution) is the inbox processor's, in the same
 * process, so it is measured too — fast acknowledgements are not fast processing:
 * - the backlog left after the saturation and after the steady load, and how long the
 *   processor took to apply it (it runs alongside the load all along);
 * - `processing_rps`: processor held, PROCESSING_ROWS deliveries acknowledged, released:
 *   deliveries applied per second with nothing else running. Above RATE means the backlog
 *   of a steady RATE cannot grow without bound.
 */
import { execFile, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Agent } from "undici";
import { signWebhookBody } from "../local-shop/webhooks";
import { ADMIN_API_VERSION } from "../../app/api-version";
import { percentile, round, type Benchmark, type Figures } from "./benchmark";

const SHOP = "bench-shop.myshopify.com";
const API_KEY = "webhook-bench-key";
const API_SECRET = "webhook-bench-secret";
const RATE = Number(process.env.WEBHOOK_BENCH_RATE ?? 300);
const STEADY_S = Number(process.env.WEBHOOK_BENCH_SECONDS ?? 10);
const SATURATE_MS = 4_000;
const SATURATE_SLICES = 4;
const IN_FLIGHT = 16;
const AMBASSADORS = 200;
const HOLD = process.env.WEBHOOK_BENCH_HOLD === "1";
const PROCESSING_ROWS = Number(process.env.WEBHOOK_BENCH_PROCESSING_ROWS ?? 3_000);
const thisFile = fileURLToPath(import.meta.url);

// ---- child: the app's route behind a plain HTTP server --------------------------------

async function serve(databaseFile: string) {
  const { migrateDatabase } = await import("../utils/database");
  Object.assign(process.env, {
    NODE_ENV: "production",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: "http://localhost:3999",
    SCOPES: "read_orders",
    DATABASE_URL: `file:${databaseFile}`,
  });
  migrateDatabase(process.env.DATABASE_URL as string);
  const { default: prisma } = await import("../../app/db.server");
  // Ambassadors and their codes, so attribution (once wired) has codes to match.
  for (let k = 0; k < AMBASSADORS; k++) {
    const ambassador = await prisma.ambassador.create({
      data: { shop: SHOP, customerId: String(900_000 + k), status: "active", source: "candidate", firstName: `A${k}`, code: `AMB${k}`, activatedAt: new Date() },
    });
    await prisma.ambassadorCode.create({
      data: { shop: SHOP, ambassadorId: ambassador.id, code: `AMB${k}`, wanted: "active", shopifyState: "present", activatedAt: new Date() },
    });
  }
  const { action } = await import("../../app/routes/webhooks.orders.create");
  const { holdWebhookInboxForTests, enqueueWebhookInbox } = await import("../../app/jobs/webhook-inbox.server");
  // WEBHOOK_BENCH_HOLD=1: the processor never runs during the load (acknowledging alone).
  if (process.env.WEBHOOK_BENCH_HOLD === "1") holdWebhookInboxForTests(true);
  // The inbox as the processor sees it: deliveries waiting (acknowledged, not applied yet).
  const inboxStatus = async () => ({
    pending: await prisma.webhookInbox.count({ where: { processedAt: null } }),
    processed: await prisma.webhookInbox.count({ where: { processedAt: { not: null } } }),
    facts: await prisma.orderFact.count({ where: { shop: SHOP } }),
  });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      try {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
        // Bench controls: hold/release the inbox processor, read the backlog.
        if (req.url === "/inbox/pending") {
          // Polled while a slice drains: one indexed count, so polling costs the processor little.
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(JSON.stringify({ pending: await prisma.webhookInbox.count({ where: { processedAt: null } }) }));
          return;
        }
        if (req.url === "/inbox") {
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(JSON.stringify(await inboxStatus()));
          return;
        }
        if (req.url?.startsWith("/inbox/hold")) {
          const hold = req.url.endsWith("=1");
          holdWebhookInboxForTests(hold);
          if (!hold) enqueueWebhookInbox(SHOP);
          res.writeHead(200);
          res.end();
          return;
        }
        const request = new Request(`http://localhost:3999${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
        const response =
          req.url === "/bare" ? new Response(null, { status: 200 }) : await action({ request, params: {}, context: {} });
        res.writeHead(response.status);
        res.end(response.body ? Buffer.from(await response.arrayBuffer()) : undefined);
      } catch (error) {
        if (error instanceof Response) {
          res.writeHead(error.status);
          res.end();
          return;
        }
        console.error(error);
        res.writeHead(500);
        res.end();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  // A clean exit on the parent's kill, so WEBHOOK_BENCH_PROF's CPU profile is written.
  process.on("SIGTERM", () => process.exit(0));
  console.log(`LISTENING ${typeof address === "object" && address ? address.port : 0}`);
}

// ---- parent: the load generator -------------------------------------------------------

let orderSeq = 7_000_000_000;

function delivery(): { body: string; headers: Record<string, string> } {
  const id = orderSeq++;
  const customer = 100_000 + Math.floor(Math.random() * 5_000);
  const cents = 1_000 + Math.floor(Math.random() * 20_000);
  const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const code = Math.random() < 0.15 ? `AMB${Math.floor(Math.random() * AMBASSADORS)}` : null;
  const payload = {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    created_at: at,
    processed_at: at,
    updated_at: at,
    cancelled_at: null,
    test: false,
    currency: "USD",
    presentment_currency: "USD",
    total_price: amount,
    total_price_set: { shop_money: { amount, currency_code: "USD" }, presentment_money: { amount, currency_code: "USD" } },
    total_discounts: code ? "5.00" : "0.00",
    discount_codes: code ? [{ code, amount: "5.00", type: "fixed_amount" }] : [],
    customer: { id: customer, first_name: "Bench", last_name: String(customer), email: `c${customer}@example.com`, tags: "", updated_at: "2024-01-01T00:00:00Z" },
    refunds: [],
  };
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": "orders/create",
      "X-Shopify-Hmac-Sha256": signWebhookBody(body, API_SECRET),
      "X-Shopify-Shop-Domain": SHOP,
      "X-Shopify-Webhook-Id": crypto.randomUUID(),
      "X-Shopify-API-Version": ADMIN_API_VERSION,
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-Event-Id": crypto.randomUUID(),
    },
  };
}

type Target = "webhook" | "bare";

async function send(base: string, target: Target, dispatcher: Agent): Promise<number> {
  const { body, headers } = delivery();
  const response = await fetch(`${base}${target === "bare" ? "/bare" : "/webhooks/orders/create"}`, {
    method: "POST",
    headers,
    body,
    dispatcher,
  } as RequestInit);
  await response.arrayBuffer();
  return response.status;
}

/** One slice of closed-loop load; a webhook slice lasts until its deliveries are applied. */
async function saturateSlice(base: string, target: Target, dispatcher: Agent, ms: number) {
  let done = 0;
  let errors = 0;
  const started = performance.now();
  const until = started + ms;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        if ((await send(base, target, dispatcher)) !== 200) errors++;
        done++;
      }
    }),
  );
  const acknowledged = performance.now();
  let backlog = 0;
  // (WEBHOOK_BENCH_HOLD=1 holds the processor: acknowledging alone is measured.)
  if (target === "webhook" && !HOLD) {
    const pending = async () => ((await (await fetch(`${base}/inbox/pending`, { dispatcher } as RequestInit)).json()) as { pending: number }).pending;
    backlog = await pending();
    while ((await pending()) > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { done, errors, seconds: (performance.now() - started) / 1000, drainSeconds: (performance.now() - acknowledged) / 1000, backlog };
}

/** Both routes saturated in alternating slices (ABBA…); totals per route. */
async function saturate(base: string, dispatcher: Agent) {
  const totals = {
    bare: { done: 0, errors: 0, seconds: 0, drainSeconds: 0, backlog: 0 },
    webhook: { done: 0, errors: 0, seconds: 0, drainSeconds: 0, backlog: 0 },
  };
  for (let slice = 0; slice < SATURATE_SLICES; slice++) {
    for (const target of slice % 2 === 0 ? (["bare", "webhook"] as const) : (["webhook", "bare"] as const)) {
      const result = await saturateSlice(base, target, dispatcher, SATURATE_MS / SATURATE_SLICES);
      const total = totals[target];
      total.done += result.done;
      total.errors += result.errors;
      total.seconds += result.seconds;
      total.drainSeconds += result.drainSeconds;
      total.backlog = Math.max(total.backlog, result.backlog);
    }
  }
  const rps = (total: typeof totals.bare) => total.done / total.seconds;
  return { bare: { rps: rps(totals.bare), errors: totals.bare.errors }, webhook: { rps: rps(totals.webhook), errors: totals.webhook.errors, backlog: totals.webhook.backlog, drainSeconds: totals.webhook.drainSeconds } };
}

async function steady(base: string, target: Target, dispatcher: Agent) {
  const total = RATE * STEADY_S;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = started + (i * 1000) / RATE;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      send(base, target, dispatcher).then(
        (status) => {
          if (status !== 200) errors++;
          latencies.push(performance.now() - scheduled);
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: total / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    errors,
  };
}

interface InboxStatus {
  pending: number;
  processed: number;
  facts: number;
}

async function inbox(base: string, dispatcher: Agent): Promise<InboxStatus> {
  const response = await fetch(`${base}/inbox`, { dispatcher } as RequestInit);
  return (await response.json()) as InboxStatus;
}

/**
 * Waits until the inbox processor has applied everything acknowledged so far. Returns the
 * backlog it started from, how long draining it took, and the rate (rows applied per
 * second while draining).
 */
async function drain(base: string, dispatcher: Agent) {
  if (HOLD) await fetch(`${base}/inbox/hold?on=0`, { method: "POST", dispatcher } as RequestInit);
  const started = performance.now();
  const first = await inbox(base, dispatcher);
  let status = first;
  while (status.pending > 0) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    status = await inbox(base, dispatcher);
  }
  const seconds = (performance.now() - started) / 1000;
  if (HOLD) await fetch(`${base}/inbox/hold?on=1`, { method: "POST", dispatcher } as RequestInit);
  return { backlog: first.pending, seconds, rps: first.pending / Math.max(seconds, 0.001), status };
}

/**
 * Processing alone: the processor held while `count` deliveries are acknowledged, then
 * released; the time to apply them all is the processing throughput (nothing else runs).
 */
async function processingThroughput(base: string, dispatcher: Agent, count: number) {
  await fetch(`${base}/inbox/hold?on=1`, { method: "POST", dispatcher } as RequestInit);
  let sent = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (sent < count) {
        sent++;
        await send(base, "webhook", dispatcher);
      }
    }),
  );
  const before = await inbox(base, dispatcher);
  await fetch(`${base}/inbox/hold?on=0`, { method: "POST", dispatcher } as RequestInit);
  const drained = await drain(base, dispatcher);
  return { rows: before.pending, seconds: drained.seconds, rps: before.pending / drained.seconds };
}

function startServer(databaseFile: string): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [...(process.env.WEBHOOK_BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.WEBHOOK_BENCH_PROF}`] : []), "--import", "tsx", thisFile, "--child", databaseFile], { maxBuffer: 1 << 26 });
    let output = "";
    child.stdout?.on("data", (chunk: string) => {
      output += chunk;
      const match = /LISTENING (\d+)/.exec(output);
      if (match) resolve({ child, base: `http://127.0.0.1:${match[1]}` });
    });
    child.stderr?.on("data", (chunk: string) => process.stderr.write(chunk));
    child.on("exit", (code) => reject(new Error(`webhook bench server exited (${code})`)));
  });
}

const benchmark: Benchmark = {
  description: `orders/create webhook (HMAC, facts, attribution) vs a bare 200 route over loopback; p99 at ${RATE} req/s (targets: ratio ≥ 0.5, p99 ≤ 50 ms)`,
  async run(log) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "webhook-bench-"));
    const { child, base } = await startServer(path.join(dir, "bench.sqlite"));
    const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
    try {
      // Warm-up: both paths compiled and the database pages cached.
      for (let i = 0; i < 200; i++) await send(base, i % 2 ? "bare" : "webhook", dispatcher);
      const { bare: bareMax, webhook: webhookMax } = await saturate(base, dispatcher);
      log(`throughput (closed loop, ${IN_FLIGHT} in flight, ${SATURATE_SLICES} alternating slices each): bare ${round(bareMax.rps, 0)} req/s, orders/create acknowledged and applied ${round(webhookMax.rps, 0)} req/s, ratio ${round(webhookMax.rps / bareMax.rps, 3)}`);
      log(`  largest backlog at a slice's end: ${webhookMax.backlog} deliveries; applying the backlogs took ${round(webhookMax.drainSeconds)} s in all (counted in the webhook's time)`);
      const bare = await steady(base, "bare", dispatcher);
      const webhook = await steady(base, "webhook", dispatcher);
      log(`at ${RATE} req/s for ${STEADY_S} s: bare p50 ${round(bare.p50)} ms p99 ${round(bare.p99)} ms | orders/create p50 ${round(webhook.p50)} ms p99 ${round(webhook.p99)} ms (max ${round(webhook.max)} ms)`);
      const afterSteady = await drain(base, dispatcher);
      log(`  backlog when the ${RATE} req/s load ended: ${afterSteady.backlog} deliveries, applied in ${round(afterSteady.seconds)} s`);
      const processing = await processingThroughput(base, dispatcher, PROCESSING_ROWS);
      log(`processing alone: ${processing.rows} acknowledged deliveries applied in ${round(processing.seconds)} s = ${round(processing.rps, 0)} deliveries/s`);
      const final = await inbox(base, dispatcher);
      const errors = bareMax.errors + webhookMax.errors + bare.errors + webhook.errors;
      if (errors > 0) log(`${errors} responses were not 200`);
      const figures: Figures = {
        bare_rps: round(bareMax.rps, 0),
        webhook_rps: round(webhookMax.rps, 0),
        ratio: round(webhookMax.rps / bareMax.rps, 3),
        rate: RATE,
        steady_webhook_rps: round(webhook.rps, 1),
        steady_bare_rps: round(bare.rps, 1),
        p50_ms: round(webhook.p50),
        p99_ms: round(webhook.p99),
        max_ms: round(webhook.max),
        bare_p99_ms: round(bare.p99),
        // Processing (the inbox processor, same process): backlogs and how fast they went.
        saturate_backlog: webhookMax.backlog,
        saturate_drain_s: round(webhookMax.drainSeconds),
        steady_backlog: afterSteady.backlog,
        steady_drain_s: round(afterSteady.seconds),
        processing_rps: round(processing.rps, 0),
        // Every acknowledged delivery became an order fact (distinct order ids).
        applied_all: final.pending === 0 && final.facts === final.processed,
        errors,
      };
      return figures;
    } finally {
      await dispatcher.close();
      // Waited for: the child writes WEBHOOK_BENCH_PROF's profile as it exits.
      await new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill();
      });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;

if (process.argv[1] === thisFile && process.argv[2] === "--child") {
  await serve(process.argv[3]);
}
