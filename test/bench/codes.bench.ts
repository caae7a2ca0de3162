/**
 * Code issuance at scale: 10,000 approved ambassadors get their codes in Shopify, against a
 * fresh local shop with Shopify's Standard-plan throttle (2,000-point bucket, 100 points/s).
 *
 * - ours: one "Ambassador program" discount holding every code — `provisionAmbassadors`
 *   with `scope: "codes"` (one `discountCodeBasicCreate`, then `discountRedeemCodeBulkAdd`
 *   250 codes a call, progress polled with `discountRedeemCodeBulkCreation`).
 * - naive: one `discountCodeBasicCreate` per code, through the app's `pacedAdmin` (paces on
 *   throttleStatus, retries THROTTLED), on a fresh shop of its own. At 13 points a code (10
 *   for the mutation, 3 for its payload) it runs at ~8 codes/s once the bucket is empty, so
 *   by default it creates a sample (CODES_BENCH_NAIVE, default 1,000 of the same codes) and
 *   extrapolates to all ambassadors: points and requests linearly, wall time as the larger
 *   of linear and what the throttle allows for those points; CODES_BENCH_NAIVE=10000
 *   measures it all (~21 min).
 *
 * Points and THROTTLED come from the local shop's own counters (`store.stats`), not from
 * the client. The database is a fresh migrated one on the run's server, bound before the app
 * is imported (app/db.server.ts reads DATABASE_URL at import).
 */
import type { LocalShop } from "#/local-shop";
import { testEnv } from "../setup/test-env";
import { adminClientFor, startTestShop, TEST_SHOP } from "../utils/test-shop";
import { round, type Benchmark } from "./benchmark";

const AMBASSADORS = Number(process.env.CODES_BENCH_AMBASSADORS ?? 10_000);
const NAIVE_SAMPLE = Math.min(AMBASSADORS, Number(process.env.CODES_BENCH_NAIVE ?? 1_000));
/** Customers approved per `approveCandidates` call: the Candidates page's limit (MAX_DECISION_IDS). */
const APPROVE_CHUNK = 250;
/** Shopify's Standard plan (the local shop's default, spelled out): 2,000-point bucket, 100 points/s. */
const STANDARD_THROTTLE = { bucketSize: 2_000, restoreRate: 100 };
const PROGRAM_TITLE = "Ambassador program";

function mb(bytes: number) {
  return round(bytes / (1024 * 1024), 1);
}

function seconds(ms: number) {
  return `${round(ms / 1000, 1)} s`;
}

/** Opens the app on a fresh migrated database; refuses if this process already bound one. */
async function openDatabase(databaseUrl: string) {
  if (process.env.DATABASE_URL) throw new Error("codes bench: the app's database is already bound in this process");
  Object.assign(process.env, testEnv, { DATABASE_URL: databaseUrl });
  const { default: prisma } = await import("~/db.server");
  return prisma;
}

/** A fresh local shop as TEST_SHOP, Standard-plan throttle, no orders. */
async function freshShop(customers: number): Promise<LocalShop> {
  return startTestShop({ seed: { customers, orders: 0, seed: 11 }, throttle: STANDARD_THROTTLE });
}

const benchmark: Benchmark = {
  description:
    `issue ${AMBASSADORS.toLocaleString("en")} ambassador codes on a Standard-plan throttle: one program discount ` +
    `(bulk add, 250 a call) vs one discountCodeBasicCreate per code`,
  async run(log, context) {
    let prisma: Awaited<ReturnType<typeof openDatabase>> | null = null;
    try {
      prisma = await openDatabase(await context.freshDatabase("codes"));
      const { storeCandidates } = await import("#/factories/ambassadors");
      const { approveCandidates } = await import("~/models/Ambassador/Ambassador.server");
      const { DEFAULT_PROVISIONING_OPTIONS, provisionAmbassadors } = await import(
        "~/models/Ambassador/CodeProvisioning.server"
      );
      const { pacedAdmin } = await import("~/utils/paced-admin.server");
      const { ProgramDiscountCreateMutation } = await import("~/graphql/ProgramDiscountCreateMutation");
      const { DEFAULT_AMBASSADOR_PROGRAM, programDiscountInput } = await import(
        "~/models/AmbassadorProgram/AmbassadorProgram.server"
      );

      // ---- ours: one program discount, codes added in bulk ----------------------------------
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => void (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
      const ours = await freshShop(AMBASSADORS);
      let codes: string[];
      let oursFigures: {
        approveMs: number;
        ms: number;
        points: number;
        throttled: number;
        requests: number;
        clientRequests: number;
      };
      try {
        const graphql = await adminClientFor(ours);
        const customers = ours.store.customers.slice(0, AMBASSADORS);
        await storeCandidates(TEST_SHOP, customers);

        const approveStarted = performance.now();
        const chunkMs: number[] = [];
        for (let i = 0; i < customers.length; i += APPROVE_CHUNK) {
          const t0 = performance.now();
          const result = await approveCandidates(
            TEST_SHOP,
            customers.slice(i, i + APPROVE_CHUNK).map((c) => c.legacyResourceId),
          );
          chunkMs.push(performance.now() - t0);
          if (result.errors.length > 0) throw new Error(`approval refused: ${JSON.stringify(result.errors.slice(0, 3))}`);
        }
        const approveMs = performance.now() - approveStarted;
        log(
          `ours: approved ${customers.length.toLocaleString("en")} customers in ${seconds(approveMs)} ` +
            `(${APPROVE_CHUNK} a call: first ${round(chunkMs[0], 0)} ms, last ${round(chunkMs.at(-1) as number, 0)} ms)`,
        );

        const started = performance.now();
        const report = await provisionAmbassadors(graphql, TEST_SHOP, {
          ...DEFAULT_PROVISIONING_OPTIONS,
          pollIntervalMs: 50,
          scope: "codes",
        });
        const ms = performance.now() - started;

        // Verify: the shop holds exactly the database's codes, all in one program discount.
        const rows = await prisma.ambassadorCode.findMany({ where: { shop: TEST_SHOP }, select: { code: true, shopifyState: true } });
        codes = rows.map((r) => r.code).sort();
        const program = ours.store.discounts.filter((d) => d.title === PROGRAM_TITLE);
        const inShop = (program[0]?.codes ?? []).map((c) => c.code.toUpperCase()).sort();
        const notPresent = rows.filter((r) => r.shopifyState !== "present").length;
        if (program.length !== 1) throw new Error(`ours: ${program.length} program discounts in the shop, expected 1`);
        if (inShop.length !== AMBASSADORS || rows.length !== AMBASSADORS || notPresent > 0) {
          throw new Error(
            `ours: the shop holds ${inShop.length} codes, the database ${rows.length} (${notPresent} not present); expected ${AMBASSADORS}`,
          );
        }
        if (inShop.some((code, i) => code !== codes[i])) throw new Error("ours: the shop's codes differ from the database's");

        oursFigures = {
          approveMs,
          ms,
          points: ours.store.stats.pointsSpent,
          throttled: ours.store.stats.throttled,
          requests: ours.store.stats.graphqlRequests,
          clientRequests: report.requests,
        };
        log(
          `ours: ${oursFigures.points.toLocaleString("en")} cost points, ${seconds(ms)}, ${oursFigures.throttled} THROTTLED, ` +
            `${oursFigures.requests} requests; verified ${inShop.length.toLocaleString("en")} codes in 1 discount`,
        );
      } finally {
        clearInterval(sampler);
        await ours.close();
      }

      // ---- naive: one discountCodeBasicCreate per code, on a fresh shop -----------------------
      const naive = await freshShop(0);
      let naiveFigures: { ms: number; points: number; throttled: number; requests: number };
      try {
        const graphql = await adminClientFor(naive);
        const admin = pacedAdmin(graphql, { throttleBackoffMs: DEFAULT_PROVISIONING_OPTIONS.throttleBackoffMs });
        const sample = codes.slice(0, NAIVE_SAMPLE);
        const before = naive.store.discounts.length;
        const started = performance.now();
        for (const code of sample) {
          const { discountCodeBasicCreate: result } = await admin.request(
            ProgramDiscountCreateMutation,
            {
              discount: {
                ...programDiscountInput(DEFAULT_AMBASSADOR_PROGRAM, "USD", { code, startsAt: new Date() }),
                title: `Ambassador ${code}`,
              },
            },
            10,
          );
          if (!result?.codeDiscountNode || result.userErrors.length > 0) {
            throw new Error(`naive: Shopify refused ${code}: ${JSON.stringify(result?.userErrors)}`);
          }
        }
        const ms = performance.now() - started;
        const created = naive.store.discounts.slice(before);
        const createdCodes = created.flatMap((d) => d.codes.map((c) => c.code.toUpperCase())).sort();
        const expected = [...sample].sort();
        if (created.length !== sample.length || createdCodes.some((code, i) => code !== expected[i])) {
          throw new Error(`naive: ${created.length} discounts in the shop for ${sample.length} codes`);
        }
        naiveFigures = {
          ms,
          points: naive.store.stats.pointsSpent,
          throttled: naive.store.stats.throttled,
          requests: naive.store.stats.graphqlRequests,
        };
        log(
          `naive (measured, ${sample.length.toLocaleString("en")} codes): ${naiveFigures.points.toLocaleString("en")} cost points, ` +
            `${seconds(ms)}, ${naiveFigures.throttled} THROTTLED, ${naiveFigures.requests} requests; ` +
            `verified ${created.length.toLocaleString("en")} discounts with one code each`,
        );
      } finally {
        await naive.close();
      }

      const scale = AMBASSADORS / NAIVE_SAMPLE;
      const extrapolated = scale !== 1;
      const naivePoints = Math.round(naiveFigures.points * scale);
      const naiveRequests = Math.round(naiveFigures.requests * scale);
      // Linear time understates the naive run: the sample spent the first full bucket, the
      // rest goes at restoreRate. What the bucket alone allows is the better estimate (a full
      // 10,000-code run measured 1,280 s, exactly this floor); naive_ms is the larger of both.
      const naiveLinearMs = naiveFigures.ms * scale;
      const naiveFloorMs =
        (Math.max(0, naivePoints - STANDARD_THROTTLE.bucketSize) / STANDARD_THROTTLE.restoreRate) * 1000;
      const naiveMs = extrapolated ? Math.max(naiveLinearMs, naiveFloorMs) : naiveFigures.ms;
      if (extrapolated) {
        log(
          `naive (EXTRAPOLATED from the ${NAIVE_SAMPLE.toLocaleString("en")}-code sample to ` +
            `${AMBASSADORS.toLocaleString("en")} codes): ${naivePoints.toLocaleString("en")} cost points (×${round(scale, 2)}), ` +
            `~${naiveRequests.toLocaleString("en")} requests, ~${seconds(naiveMs)} (the throttle's floor for those points; ` +
            `linear ×${round(scale, 2)} would say ${seconds(naiveLinearMs)})`,
        );
      }
      const costRatio = naivePoints / Math.max(1, oursFigures.points);
      log(
        `cost ratio naive ÷ ours: ${round(costRatio, 1)}× (target ≥ 10); ours THROTTLED ${oursFigures.throttled} (target 0); ` +
          `wall time ${seconds(oursFigures.ms)} vs ${extrapolated ? "~" : ""}${seconds(naiveMs)}; peak RSS ${mb(peakRss)} MB`,
      );

      return {
        ambassadors: AMBASSADORS,
        ours_points: oursFigures.points,
        ours_ms: round(oursFigures.ms, 0),
        ours_throttled: oursFigures.throttled,
        ours_requests: oursFigures.requests,
        ours_approve_ms: round(oursFigures.approveMs, 0),
        naive_points: naivePoints,
        naive_ms: round(naiveMs, 0),
        naive_throttled: naiveFigures.throttled,
        naive_requests: naiveRequests,
        naive_extrapolated: extrapolated,
        naive_sample: NAIVE_SAMPLE,
        naive_sample_points: naiveFigures.points,
        naive_sample_ms: round(naiveFigures.ms, 0),
        naive_ms_linear: round(naiveLinearMs, 0),
        naive_ms_bucket_floor: round(naiveFloorMs, 0),
        cost_ratio: round(costRatio, 1),
        throttled: oursFigures.throttled,
        peak_rss_mb: mb(peakRss),
      };
    } finally {
      if (prisma) {
        // The app's connections close before the run stops the server.
        const { stopJobQueue } = await import("~/jobs/queue.server");
        await stopJobQueue();
        await prisma.$disconnect();
        const { pool } = await import("~/db.server");
        await pool.end();
      }
    }
  },
};

export default benchmark;
