/**
 * The orders/create webhook under an open loop: Shopify-signed deliveries (HMAC over the
 * raw body, distinct webhook and order ids, 15% with an ambassador's code) POSTed at a
 * fixed rate to the app's route, app/routes/webhooks.orders.create.tsx as it stands, in a
 * child process with the app's background jobs running, as in production. Latency is
 * counted from each request's scheduled time, so queueing shows.
 *
 * - main run: RATE deliveries a second for SECONDS. `p99_ms` of the acknowledgements;
 *   `drain_s`: from the last acknowledgement until everything sent is applied (order
 *   facts, attribution); `lost` and `doubled` checked against the set that was sent (an
 *   order or an attribution missing; a customer counted for more orders than sent to it,
 *   an order attributed or rewarded twice).
 * - CPU per delivery: the app process's and the PostgreSQL server's (postmaster, its
 *   backends, and the backends it reaped), from /proc, over the main run and its drain;
 *   beside the same for a bare route that answers 200 on the same server at the same rate,
 *   and for a route that only runs `authenticate.webhook` (the library's floor: HMAC,
 *   headers, the offline-session lookup) and answers 200.
 * - acknowledgement alone: the same load on a second app process that only sends jobs
 *   (JOB_QUEUE_WORK=off, as a web process whose workers run elsewhere): its p99 and CPU
 *   per delivery; what applying costs is the main run's CPU less this.
 * - `max_rate`: the rate stepped up (STEP_SECONDS each, backlog applied between steps)
 *   until p99 passes 50 ms: the highest rate that kept it.
 */
import { execFile, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { Agent } from "undici";
import { buildWebhook } from "../local-shop/webhooks";
import { percentile, round, type Benchmark } from "./benchmark";

const SHOP = "bench-shop.myshopify.com";
const API_KEY = "webhook-bench-key";
const API_SECRET = "webhook-bench-secret";
const RATE = Number(process.env.WEBHOOK_BENCH_RATE ?? 300);
const SECONDS = Number(process.env.WEBHOOK_BENCH_SECONDS ?? 60);
const BARE_SECONDS = Number(process.env.WEBHOOK_BENCH_BARE_SECONDS ?? 10);
const STEP_SECONDS = Number(process.env.WEBHOOK_BENCH_STEP_SECONDS ?? 10);
const ACK_ONLY_SECONDS = Number(process.env.WEBHOOK_BENCH_ACK_ONLY_SECONDS ?? 20);
/** The rates `max_rate` tries, in order, stopping at the first whose p99 is over the target. */
const STEPS = (process.env.WEBHOOK_BENCH_STEPS ?? "50,100,150,200,300,400,500,600,800,1000").split(",").map(Number);
const P99_TARGET_MS = 50;
const CODE_SHARE = 0.15;
const AMBASSADORS = 200;
const CUSTOMERS = 5_000;
const thisFile = fileURLToPath(import.meta.url);

// ---- child: the app's route behind a plain HTTP server --------------------------------

async function serve(databaseUrl: string) {
  Object.assign(process.env, {
    NODE_ENV: "production",
    SHOPIFY_API_KEY: API_KEY,
    SHOPIFY_API_SECRET: API_SECRET,
    SHOPIFY_APP_URL: "http://localhost:3999",
    SCOPES: "read_orders",
    DATABASE_URL: databaseUrl,
  });
  const { default: prisma } = await import("../../app/db.server");
  // Active ambassadors, already set up in Shopify, and their codes: coded orders are
  // attributed and rewarded, and no provisioning job starts.
  const now = new Date();
  await prisma.ambassador.createMany({
    data: Array.from({ length: AMBASSADORS }, (_, k) => ({
      id: `amb${k}`, shop: SHOP, customerId: String(900_000 + k), status: "active", source: "candidate",
      firstName: `A${k}`, code: `AMB${k}`, activatedAt: now, welcomeSyncedAt: now, metafieldsCode: `AMB${k}`,
    })),
  });
  await prisma.ambassadorCode.createMany({
    data: Array.from({ length: AMBASSADORS }, (_, k) => ({
      shop: SHOP, ambassadorId: `amb${k}`, code: `AMB${k}`, wanted: "active", shopifyState: "present", activatedAt: now,
    })),
  });
  const { action } = await import("../../app/routes/webhooks.orders.create");
  const { authenticate } = await import("../../app/shopify.server");
  // What app/entry.server.tsx does once per server process: the job queue and its workers.
  const { startBackgroundJobs } = await import("../../app/jobs/boot.server");
  startBackgroundJobs();

  /** What has been applied of what was sent: counts, or every order's outcome. */
  const applied = async (full: boolean) => {
    const facts = await prisma.orderFact.count({ where: { shop: SHOP } });
    const attributed = await prisma.attributedOrder.count({ where: { shop: SHOP } });
    if (!full) return { facts, attributed };
    const [orders, attributions, rewards, customers] = await Promise.all([
      prisma.orderFact.findMany({ where: { shop: SHOP }, select: { orderId: true } }),
      prisma.attributedOrder.findMany({ where: { shop: SHOP }, select: { orderId: true, code: true } }),
      prisma.rewardEntry.groupBy({ by: ["orderId"], where: { shop: SHOP, kind: "commission" }, _count: { _all: true } }),
      prisma.customerStats.findMany({ where: { shop: SHOP }, select: { customerId: true, orderCount: true } }),
    ]);
    return {
      facts,
      attributed,
      orders: orders.map((o) => o.orderId),
      attributions: attributions.map((a) => [a.orderId, a.code]),
      rewardsPerOrder: rewards.map((r) => [r.orderId, r._count._all]),
      orderCounts: customers.map((c) => [c.customerId, c.orderCount]),
    };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      try {
        if (req.url === "/bench/applied" || req.url === "/bench/outcome") {
          res.writeHead(200, { "Content-Type": "application/json" });
          res.end(JSON.stringify(await applied(req.url === "/bench/outcome")));
          return;
        }
        if (req.url === "/bare") {
          res.writeHead(200);
          res.end();
          return;
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
        const request = new Request(`http://localhost:3999${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
        const response =
          req.url === "/auth-only"
            ? (await authenticate.webhook(request), new Response())
            : await action({ request, params: {}, context: {} });
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
  process.on("SIGTERM", () => process.exit(0));
  console.log(`LISTENING ${typeof address === "object" && address ? address.port : 0}`);
}

// ---- parent: the load generator -------------------------------------------------------

/** What was sent: each order's customer and code (the deliveries are all distinct). */
interface Sent {
  orders: Map<string, { customer: string; code: string | null }>;
}

let orderSeq = 7_000_000_000;

function delivery(sent: Sent | null): { body: string; headers: Record<string, string> } {
  const id = orderSeq++;
  const customer = 100_000 + Math.floor(Math.random() * CUSTOMERS);
  const cents = 1_000 + Math.floor(Math.random() * 20_000);
  const amount = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const code = Math.random() < CODE_SHARE ? `AMB${Math.floor(Math.random() * AMBASSADORS)}` : null;
  sent?.orders.set(String(id), { customer: String(customer), code });
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
  return buildWebhook(
    { topic: "orders/create", payload, shopDomain: SHOP, apiSecret: API_SECRET },
    { webhookId: crypto.randomUUID() },
  );
}

type Target = "webhook" | "bare" | "auth-only";

async function send(base: string, target: Target, dispatcher: Agent, sent: Sent | null): Promise<number> {
  const { body, headers } = delivery(target === "webhook" ? sent : null);
  const response = await fetch(`${base}${target === "webhook" ? "/webhooks/orders/create" : `/${target}`}`, {
    method: "POST",
    headers,
    body,
    dispatcher,
  } as RequestInit);
  await response.arrayBuffer();
  return response.status;
}

/** An open loop: `rate` requests a second for `seconds`, latency from each one's scheduled time. */
async function openLoop(base: string, target: Target, dispatcher: Agent, rate: number, seconds: number, sent: Sent | null) {
  const total = Math.round(rate * seconds);
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = started + (i * 1000) / rate;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      send(base, target, dispatcher, sent).then(
        (status) => {
          if (status !== 200) errors++;
          latencies.push(performance.now() - scheduled);
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(pending);
  const acknowledgedAt = performance.now();
  latencies.sort((a, b) => a - b);
  return {
    sent: total,
    rps: total / ((acknowledgedAt - started) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    errors,
    acknowledgedAt,
  };
}

async function getJson<T>(base: string, path: string, dispatcher: Agent): Promise<T> {
  const response = await fetch(`${base}${path}`, { dispatcher } as RequestInit);
  return (await response.json()) as T;
}

/** Waits until every order sent so far has its fact and every coded one its attribution. */
async function applied(base: string, dispatcher: Agent, sent: Sent, timeoutMs = 600_000) {
  const coded = [...sent.orders.values()].filter((o) => o.code !== null).length;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const counts = await getJson<{ facts: number; attributed: number }>(base, "/bench/applied", dispatcher);
    if (counts.facts >= sent.orders.size && counts.attributed >= coded) return performance.now();
    if (performance.now() > deadline) throw new Error(`not applied after ${timeoutMs} ms: ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Missing and doubled outcomes of what was sent. */
async function verify(base: string, dispatcher: Agent, sent: Sent) {
  const outcome = await getJson<{
    orders: string[];
    attributions: [string, string][];
    rewardsPerOrder: [string | null, number][];
    orderCounts: [string, number][];
  }>(base, "/bench/outcome", dispatcher);
  const facts = new Set(outcome.orders);
  const attributed = new Map(outcome.attributions);
  let lost = 0;
  const perCustomer = new Map<string, number>();
  for (const [orderId, { customer, code }] of sent.orders) {
    perCustomer.set(customer, (perCustomer.get(customer) ?? 0) + 1);
    if (!facts.has(orderId)) lost++;
    else if (code !== null && attributed.get(orderId) !== code) lost++;
  }
  let doubled = outcome.orders.length - facts.size;
  doubled += outcome.attributions.length - attributed.size;
  doubled += outcome.rewardsPerOrder.filter(([, count]) => count > 1).length;
  doubled += outcome.orderCounts.filter(([customer, count]) => count > (perCustomer.get(customer) ?? 0)).length;
  return { lost, doubled, rewarded: outcome.rewardsPerOrder.length };
}

// ---- CPU from /proc -------------------------------------------------------------------

const TICK_MS = 1000 / 100; // USER_HZ: 100 on Linux

/** utime, stime, cutime, cstime and ppid of a process (fields after the command's `)`). */
function statOf(pid: number): { own: number; reaped: number; ppid: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime fields 14–17.
    const tick = (field: number) => Number(fields[field - 3]);
    return { own: (tick(14) + tick(15)) * TICK_MS, reaped: (tick(16) + tick(17)) * TICK_MS, ppid: tick(4) };
  } catch {
    return null;
  }
}

/** CPU ms of the app process, and of the PostgreSQL server (its backends included). */
function cpuMs(appPid: number, postmasterPid: number) {
  const postmaster = statOf(postmasterPid);
  let database = postmaster ? postmaster.own + postmaster.reaped : 0;
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === postmasterPid) continue;
    const stat = statOf(pid);
    if (stat?.ppid === postmasterPid) database += stat.own;
  }
  return { app: statOf(appPid)?.own ?? 0, database };
}

function startServer(databaseUrl: string, { work = true } = {}): Promise<{ child: ChildProcess; base: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [...(process.env.WEBHOOK_BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.WEBHOOK_BENCH_PROF}`] : []), "--import", "tsx", thisFile, "--child", databaseUrl],
      { maxBuffer: 1 << 26, env: { ...process.env, JOB_QUEUE_WORK: work ? "on" : "off" } },
    );
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

/** The main run's load on a process that stores and acknowledges but applies nothing. */
async function acknowledgeOnly(databaseUrl: string, postgresPid: number) {
  const { child, base } = await startServer(databaseUrl, { work: false });
  const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
  const cpu = () => cpuMs(child.pid as number, postgresPid);
  try {
    for (let i = 0; i < 300; i++) await send(base, "webhook", dispatcher, null);
    const before = cpu();
    const run = await openLoop(base, "webhook", dispatcher, RATE, ACK_ONLY_SECONDS, null);
    const after = cpu();
    return { ...run, appMs: (after.app - before.app) / run.sent, dbMs: (after.database - before.database) / run.sent };
  } finally {
    await dispatcher.close();
    await new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill();
    });
  }
}

const benchmark: Benchmark = {
  description:
    `orders/create webhook, open loop at ${RATE}/s for ${SECONDS} s, ${CODE_SHARE * 100}% with a program code ` +
    `(targets: p99 ≤ ${P99_TARGET_MS} ms, drain ≤ 5 s, nothing lost or doubled); the highest rate within the p99`,
  async run(log, context) {
    const { child, base } = await startServer(await context.freshDatabase("webhook"));
    const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000 });
    const sent: Sent = { orders: new Map() };
    const cpu = () => cpuMs(child.pid as number, context.postgresPid());
    try {
      // Warm-up: the routes compiled, the job's workers running, the pages cached.
      const targets: Target[] = ["webhook", "bare", "auth-only"];
      for (let i = 0; i < 450; i++) await send(base, targets[i % 3], dispatcher, sent);
      await applied(base, dispatcher, sent);

      const bareBefore = cpu();
      const bare = await openLoop(base, "bare", dispatcher, RATE, BARE_SECONDS, null);
      const bareAfter = cpu();
      const bareAppMs = (bareAfter.app - bareBefore.app) / bare.sent;
      const bareDbMs = (bareAfter.database - bareBefore.database) / bare.sent;
      log(`bare route at ${RATE}/s for ${BARE_SECONDS} s: p50 ${round(bare.p50)} ms p99 ${round(bare.p99)} ms; CPU per request app ${round(bareAppMs, 3)} ms, database ${round(bareDbMs, 3)} ms`);
      const authBefore = cpu();
      const authOnly = await openLoop(base, "auth-only", dispatcher, RATE, BARE_SECONDS, null);
      const authAfter = cpu();
      const authAppMs = (authAfter.app - authBefore.app) / authOnly.sent;
      const authDbMs = (authAfter.database - authBefore.database) / authOnly.sent;
      log(`authenticate.webhook alone at ${RATE}/s for ${BARE_SECONDS} s: p50 ${round(authOnly.p50)} ms p99 ${round(authOnly.p99)} ms; CPU per request app ${round(authAppMs, 3)} ms, database ${round(authDbMs, 3)} ms`);

      const before = cpu();
      const main = await openLoop(base, "webhook", dispatcher, RATE, SECONDS, sent);
      const drainedAt = await applied(base, dispatcher, sent);
      const after = cpu();
      const drainS = (drainedAt - main.acknowledgedAt) / 1000;
      const appMs = (after.app - before.app) / main.sent;
      const dbMs = (after.database - before.database) / main.sent;
      const { lost, doubled, rewarded } = await verify(base, dispatcher, sent);
      log(
        `orders/create at ${RATE}/s for ${SECONDS} s (${main.sent.toLocaleString("en")} deliveries, ${round(main.rps, 1)}/s achieved): ` +
          `p50 ${round(main.p50)} ms p99 ${round(main.p99)} ms max ${round(main.max)} ms; applied ${round(drainS, 2)} s after the last acknowledgement`,
      );
      log(`  CPU per delivery (acknowledged and applied): app ${round(appMs, 3)} ms, database ${round(dbMs, 3)} ms (bare route: app ${round(bareAppMs, 3)} ms, database ${round(bareDbMs, 3)} ms)`);
      log(`  against the ${sent.orders.size.toLocaleString("en")} orders sent: ${lost} lost, ${doubled} doubled; ${rewarded} orders rewarded`);

      let maxRate = 0;
      const steps: string[] = [];
      for (const rate of STEPS) {
        const step = await openLoop(base, "webhook", dispatcher, rate, STEP_SECONDS, sent);
        const stepDrained = await applied(base, dispatcher, sent);
        steps.push(`${rate}/s p99 ${round(step.p99)} ms (applied +${round((stepDrained - step.acknowledgedAt) / 1000, 1)} s)`);
        if (step.p99 > P99_TARGET_MS || step.errors > 0) break;
        maxRate = rate;
      }
      log(`stepped rate, ${STEP_SECONDS} s each: ${steps.join(" | ")} → max_rate ${maxRate}/s`);
      const final = await verify(base, dispatcher, sent);

      const ackOnly = await acknowledgeOnly(await context.freshDatabase("webhook_ack"), context.postgresPid());
      log(
        `acknowledgement alone (job workers in another process) at ${RATE}/s for ${ACK_ONLY_SECONDS} s: p50 ${round(ackOnly.p50)} ms p99 ${round(ackOnly.p99)} ms; ` +
          `CPU per delivery app ${round(ackOnly.appMs, 3)} ms, database ${round(ackOnly.dbMs, 3)} ms; so applying costs about app ${round(appMs - ackOnly.appMs, 3)} ms, database ${round(dbMs - ackOnly.dbMs, 3)} ms`,
      );
      const errors = bare.errors + authOnly.errors + main.errors + ackOnly.errors;
      if (errors > 0) log(`${errors} responses were not 200`);

      return {
        rate: RATE,
        seconds: SECONDS,
        deliveries: main.sent,
        p50_ms: round(main.p50),
        p99_ms: round(main.p99),
        max_ms: round(main.max),
        drain_s: round(drainS, 2),
        // Over everything sent, the steps included.
        lost: final.lost,
        doubled: final.doubled,
        max_rate: maxRate,
        app_cpu_ms_per_delivery: round(appMs, 3),
        db_cpu_ms_per_delivery: round(dbMs, 3),
        bare_app_cpu_ms_per_request: round(bareAppMs, 3),
        bare_db_cpu_ms_per_request: round(bareDbMs, 3),
        bare_p99_ms: round(bare.p99),
        auth_only_app_cpu_ms_per_request: round(authAppMs, 3),
        auth_only_db_cpu_ms_per_request: round(authDbMs, 3),
        auth_only_p99_ms: round(authOnly.p99),
        ack_only_p99_ms: round(ackOnly.p99),
        ack_only_app_cpu_ms_per_delivery: round(ackOnly.appMs, 3),
        ack_only_db_cpu_ms_per_delivery: round(ackOnly.dbMs, 3),
        errors,
        cpus: os.cpus().length,
      };
    } finally {
      await dispatcher.close();
      // Waited for: the child writes WEBHOOK_BENCH_PROF's profile as it exits.
      await new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill();
      });
    }
  },
};

export default benchmark;

if (process.argv[1] === thisFile && process.argv[2] === "--child") {
  await serve(process.argv[3]);
}
