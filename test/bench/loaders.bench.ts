/**
 * Admin page loaders on a large shop: 100,000 customers, 1,000,000 orders (5 years), 1,000
 * ambassadors, 100,000 attributed orders with their reward entries, 300,000 share clicks.
 * Times what the Dashboard loader reads (live period figures on indexes + the cached
 * retention; `getDashboard`) and what the Candidates loader reads (settings, latest sync,
 * first page with its total; `listCandidates`), each repeatedly: p50 / p95. `p95_ms` is the
 * worse of those two (the target). Also the Rewards page's reads (`rewards_p95_ms`): its
 * balances come from RewardBalance (one row per ambassador, kept with the ledger), so they
 * must not grow with the 100,000 reward entries.
 * Also times one full retention computation (the metrics job's work, off the request path).
 * Runs in a child process on a fresh migrated database (app/db.server.ts binds DATABASE_URL
 * at import); the rows are generated with set-based SQL (bench-only).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Prisma } from "@prisma/client";
import { testEnv } from "../setup/test-env";
import { percentile, round, type Benchmark, type Figures } from "./benchmark";

const CUSTOMERS = Number(process.env.LOADERS_BENCH_CUSTOMERS ?? 100_000);
const ORDERS = Number(process.env.LOADERS_BENCH_ORDERS ?? 1_000_000);
const AMBASSADORS = 1_000;
const CLICKS = 300_000;
const RUNS = Number(process.env.LOADERS_BENCH_RUNS ?? 40);
const SHOP = "bench-shop.myshopify.com";
const thisFile = fileURLToPath(import.meta.url);
const DAY_MS = 86_400_000;

async function seed(now: number) {
  const { default: prisma } = await import("../../app/db.server");
  const start = Math.floor((now - 5 * 365 * DAY_MS) / 1000);
  const step = (5 * 365 * 86_400) / ORDERS;
  const clickStep = (5 * 365 * 86_400) / CLICKS;
  // Seconds since the epoch as the UTC `timestamp(3)` Prisma stores.
  const at = (seconds: Prisma.Sql) => Prisma.sql`(TIMESTAMP '1970-01-01' + (${seconds}) * INTERVAL '1 second')`;
  const orderAt = at(Prisma.sql`CAST(${start} AS bigint) + floor(i * CAST(${step} AS double precision))`);
  await prisma.$executeRaw`
     INSERT INTO "OrderFact" ("shop", "orderId", "customerId", "processedAt", "totalCents", "refundedCents",
                              "cancelledAt", "test", "discountCodes", "sourceUpdatedAt")
     SELECT ${SHOP}, lpad(i::text, 7, '0'),
            CASE WHEN i % 13 = 5 THEN NULL ELSE lpad(((i * 7919) % CAST(${CUSTOMERS} AS bigint))::text, 6, '0') END,
            ${orderAt},
            500 + (i * 37) % 25000,
            CASE WHEN i % 25 = 1 THEN 500 + (i * 37) % 25000 WHEN i % 20 = 2 THEN 100 ELSE 0 END,
            CASE WHEN i % 50 = 0 THEN ${orderAt} END,
            i % 333 = 7,
            CASE WHEN i % 10 = 3 THEN 'AMB' || ((i / 10) % CAST(${AMBASSADORS} AS bigint)) ELSE '' END,
            ${orderAt}
     FROM generate_series(0, CAST(${ORDERS - 1} AS bigint)) AS i`;
  await prisma.$executeRaw`
     INSERT INTO "Ambassador" ("id", "shop", "customerId", "status", "source", "firstName", "code", "activatedAt", "createdAt", "updatedAt")
     SELECT 'amb' || k, ${SHOP}, lpad(((k * 97) % CAST(${CUSTOMERS} AS bigint))::text, 6, '0'), 'active', 'candidate', 'Ambassador ' || k,
            'AMB' || k, ${at(Prisma.sql`CAST(${start} AS bigint) + k * 86400`)}, ${at(Prisma.sql`CAST(${start} AS bigint)`)}, ${at(Prisma.sql`CAST(${start} AS bigint)`)}
     FROM generate_series(0, CAST(${AMBASSADORS - 1} AS bigint)) AS k`;
  await prisma.$executeRaw`
     INSERT INTO "AttributedOrder" ("shop", "orderId", "ambassadorId", "code", "buyerCustomerId", "processedAt",
                                    "newCustomer", "selfReferral", "discountCents", "netCents", "cancelledAt", "createdAt", "updatedAt")
     SELECT "shop", "orderId", 'amb' || substr("discountCodes", 4), "discountCodes", "customerId", "processedAt",
            CAST("orderId" AS integer) % 30 = 3, false, "totalCents" / 10,
            CASE WHEN "cancelledAt" IS NOT NULL OR "test" THEN 0 ELSE "totalCents" - "refundedCents" END,
            "cancelledAt", "processedAt", "processedAt"
     FROM "OrderFact" WHERE "shop" = ${SHOP} AND "discountCodes" <> ''`;
  await prisma.$executeRaw`
     INSERT INTO "RewardEntry" ("id", "shop", "ambassadorId", "orderId", "sourceKey", "kind", "amountCents", "status", "note", "createdAt")
     SELECT 'r' || "orderId", "shop", "ambassadorId", "orderId", 'order:' || "orderId", 'commission', "netCents" / 10, 'approved', '', "processedAt"
     FROM "AttributedOrder" WHERE "shop" = ${SHOP}`;
  await prisma.$executeRaw`
     INSERT INTO "ShareClick" ("shop", "ambassadorId", "day", "visitorHash", "code", "createdAt")
     SELECT ${SHOP}, 'amb' || (j % CAST(${AMBASSADORS} AS bigint)),
            to_char(${at(Prisma.sql`CAST(${start} AS bigint) + floor(j * CAST(${clickStep} AS double precision))`)}, 'YYYY-MM-DD'),
            'v' || j, 'AMB' || (j % CAST(${AMBASSADORS} AS bigint)), ${at(Prisma.sql`CAST(${start} AS bigint)`)}
     FROM generate_series(0, CAST(${CLICKS - 1} AS bigint)) AS j`;
  const { recomputeAllCustomers } = await import("../../app/models/OrderHistory/customer-stats.server");
  await prisma.$transaction(
    (tx) => recomputeAllCustomers(tx, SHOP, { minOrders: 2, minSpentCents: 0, recencyDays: 365 }, new Date(now)),
    { timeout: 600_000 },
  );
  await prisma.historySync.create({ data: { shop: SHOP, method: "bulk", status: "completed", finishedAt: new Date(now) } });
  // As after a history sync or autovacuum's analyze: the planner knows the tables' sizes.
  await prisma.$executeRaw`ANALYZE`;
}

async function time<T>(runs: number, work: () => Promise<T>): Promise<number[]> {
  await work(); // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await work();
    ms.push(performance.now() - t0);
  }
  return ms.sort((a, b) => a - b);
}

async function measure(databaseUrl: string): Promise<Figures> {
  // The jobs import the Shopify configuration: the tests' placeholder keys will do.
  Object.assign(process.env, testEnv, { DATABASE_URL: databaseUrl });
  const now = Date.now();
  const t0 = performance.now();
  await seed(now);
  const seedMs = performance.now() - t0;

  const { default: prisma } = await import("../../app/db.server");
  const { getDashboard, presetPeriod } = await import("../../app/models/Analytics/Analytics.server");
  const { refreshMetricsIfDue, enqueueMetrics } = await import("../../app/jobs/metrics.server");
  const { listCandidates } = await import("../../app/models/Candidate/Candidate.server");
  const { getProgramSettings } = await import("../../app/models/ProgramSettings/ProgramSettings.server");
  const { latestHistorySync } = await import("../../app/models/OrderHistory/HistorySync.server");
  const { rewardBalancePage, listPayouts } = await import("../../app/models/Rewards/Payouts.server");
  const { getRewardSettings } = await import("../../app/models/Rewards/RewardSettings.server");

  const t1 = performance.now();
  await enqueueMetrics(SHOP);
  const retentionMs = performance.now() - t1;

  const dashboardLoader = async (preset: "30d" | "90d") => {
    const dashboard = await getDashboard(SHOP, presetPeriod(preset));
    if (refreshMetricsIfDue(SHOP, dashboard.retention)) throw new Error("retention cache should be fresh");
    return dashboard;
  };
  const candidatesLoader = async () => {
    await Promise.all([getProgramSettings(SHOP), latestHistorySync(SHOP)]);
    return listCandidates(SHOP, { pageSize: 50 });
  };
  // The Rewards page's reads: settings, the first page of balances, the payout ledger.
  const rewardsLoader = () => Promise.all([getRewardSettings(SHOP), rewardBalancePage(SHOP, { page: 1 }), listPayouts(SHOP, {})]);
  const d30 = await time(RUNS, () => dashboardLoader("30d"));
  const d90 = await time(RUNS, () => dashboardLoader("90d"));
  const candidates = await time(RUNS, candidatesLoader);
  const rewards = await time(RUNS, rewardsLoader);
  const all = [...d30, ...d90].sort((a, b) => a - b);
  const sample = await dashboardLoader("90d");
  const counts = {
    orders: await prisma.orderFact.count({ where: { shop: SHOP } }),
    customers: await prisma.customerStats.count({ where: { shop: SHOP } }),
    attributed: await prisma.attributedOrder.count({ where: { shop: SHOP } }),
  };
  await prisma.$disconnect();
  return {
    ...counts,
    seed_ms: round(seedMs, 0),
    retention_ms: round(retentionMs, 0),
    dashboard_30d_p50_ms: round(percentile(d30, 50)),
    dashboard_30d_p95_ms: round(percentile(d30, 95)),
    dashboard_90d_p50_ms: round(percentile(d90, 50)),
    dashboard_90d_p95_ms: round(percentile(d90, 95)),
    dashboard_p95_ms: round(percentile(all, 95)),
    candidates_p50_ms: round(percentile(candidates, 50)),
    candidates_p95_ms: round(percentile(candidates, 95)),
    rewards_p50_ms: round(percentile(rewards, 50)),
    rewards_p95_ms: round(percentile(rewards, 95)),
    p95_ms: round(Math.max(percentile(all, 95), percentile(candidates, 95))),
    period_90d_orders: sample.figures.orders,
    retention_cohorts: sample.retention.retention?.cohorts.length ?? 0,
  };
}

const benchmark: Benchmark = {
  description: `dashboard and candidates loaders on ${CUSTOMERS.toLocaleString("en")} customers / ${ORDERS.toLocaleString("en")} orders (target p95 ≤ 150 ms)`,
  async run(log, context) {
    const output = execFileSync(process.execPath, ["--import", "tsx", thisFile, "--child", await context.freshDatabase("loaders")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 20,
    });
    const figures = JSON.parse(output.trim().split("\n").at(-1) as string) as Figures;
    log(
      `${figures.customers} customers, ${figures.orders} orders, ${figures.attributed} attributed (seeded in ${figures.seed_ms} ms); ` +
        `retention computed in ${figures.retention_ms} ms (metrics job, off the request path)`,
    );
    log(
      `dashboard 30 days p50 ${figures.dashboard_30d_p50_ms} ms p95 ${figures.dashboard_30d_p95_ms} ms | ` +
        `90 days p50 ${figures.dashboard_90d_p50_ms} ms p95 ${figures.dashboard_90d_p95_ms} ms`,
    );
    log(`candidates p50 ${figures.candidates_p50_ms} ms p95 ${figures.candidates_p95_ms} ms | worst p95 ${figures.p95_ms} ms (target ≤ 150)`);
    log(`rewards page (balances of ${figures.attributed} reward entries, payouts) p50 ${figures.rewards_p50_ms} ms p95 ${figures.rewards_p95_ms} ms`);
    return figures;
  },
};

export default benchmark;

if (process.argv[1] === thisFile && process.argv[2] === "--child") {
  const figures = await measure(process.argv[3]);
  console.log(JSON.stringify(figures));
  process.exit(0);
}
