/**
 * History ingest: a Shopify bulk JSONL of N orders (each followed by 1–3 line-item child
 * lines) streamed into OrderFacts and candidate scores, against a bare `readline` +
 * `JSON.parse` loop over the same file. Each size runs in a child process of its own, on
 * a fresh migrated database (app/db.server.ts binds DATABASE_URL at import), so its
 * memory figures are its own: 100k then 1M orders show whether memory stays flat.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { percentile, round, type Benchmark, type Figures } from "./benchmark";

const SIZES = (process.env.INGEST_BENCH_SIZES ?? "100000,1000000").split(",").map(Number);
const SHOP = "bench-shop.myshopify.com";
const thisFile = fileURLToPath(import.meta.url);

/** Deterministic PRNG (mulberry32): the same file on every run. */
function prng(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function decimal(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/**
 * Writes N orders over ~5 years in Shopify's bulk format. Customers are created as they
 * first buy (ids grow with time, as Shopify's do): 40% of orders come from a new customer,
 * 52% from a returning one picked uniformly, 8% are guest checkouts. 2% are cancelled and
 * refunded, 2% fully and 5% partly refunded, 0.3% test orders, 15% use a discount code.
 */
async function writeBulkJsonl(file: string, orders: number): Promise<{ lines: number }> {
  const random = prng(20_260_701);
  const out = fs.createWriteStream(file);
  const start = Date.UTC(2021, 0, 1);
  const step = (5 * 365 * 86_400_000) / orders;
  let customers = 0;
  let lineItemId = 40_000_000_000;
  let lines = 0;
  let buffer = "";
  for (let i = 0; i < orders; i++) {
    const orderGid = `gid://shopify/Order/${6_000_000_000 + i}`;
    const at = new Date(start + Math.floor(i * step + random() * step)).toISOString().replace(/\.\d{3}Z$/, "Z");
    const kind = random();
    let customer: number | null = null;
    if (kind < 0.4 || customers === 0) customer = customers++;
    else if (kind < 0.92) customer = Math.floor(random() * customers);
    const totalCents = 500 + Math.floor(random() * 25_000);
    const fate = random();
    const cancelled = fate < 0.02;
    const refundedCents = fate < 0.04 ? totalCents : fate < 0.09 ? Math.floor(totalCents / 3) : 0;
    const node = {
      id: orderGid,
      processedAt: at,
      updatedAt: at,
      cancelledAt: cancelled ? at : null,
      test: random() < 0.003,
      discountCodes: random() < 0.15 ? [`SAVE${Math.floor(random() * 40)}`] : [],
      customer:
        customer === null
          ? null
          : {
              id: `gid://shopify/Customer/${8_000_000_000 + customer}`,
              displayName: `Customer ${customer}`,
              defaultEmailAddress: { emailAddress: `customer${customer}@example.com` },
              tags: customer % 10 === 0 ? ["vip"] : [],
              updatedAt: "2021-01-01T00:00:00Z",
            },
      totalPriceSet: { shopMoney: { amount: decimal(totalCents), currencyCode: "USD" } },
      totalRefundedSet: { shopMoney: { amount: decimal(refundedCents) } },
    };
    buffer += JSON.stringify(node) + "\n";
    lines += 1;
    const items = 1 + Math.floor(random() * 3);
    for (let k = 0; k < items; k++) {
      buffer += JSON.stringify({
        id: `gid://shopify/LineItem/${lineItemId++}`,
        title: `Product ${Math.floor(random() * 500)}`,
        quantity: 1 + Math.floor(random() * 3),
        originalUnitPriceSet: { shopMoney: { amount: decimal(200 + Math.floor(random() * 5_000)), currencyCode: "USD" } },
        __parentId: orderGid,
      }) + "\n";
      lines += 1;
    }
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      buffer = "";
    }
  }
  out.write(buffer);
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return { lines };
}

/** The floor: read every line and parse it, nothing else. */
async function bareLoop(file: string): Promise<number> {
  const started = performance.now();
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  let count = 0;
  for await (const line of lines) {
    JSON.parse(line);
    count += 1;
  }
  if (count === 0) throw new Error("empty file");
  return performance.now() - started;
}

function rssMb(bytes: number) {
  return round(bytes / (1024 * 1024), 1);
}

/**
 * Runs in the child process: one size, one fresh database. The ingest runs first, so the
 * bare loop's garbage does not count towards its memory.
 */
async function measure(file: string, databaseUrl: string): Promise<Figures> {
  process.env.DATABASE_URL = databaseUrl;
  const { default: prisma } = await import("../../app/db.server");
  const { ingestBulkOrdersJsonl } = await import("../../app/models/OrderHistory/OrderHistory.server");
  const { listCandidates } = await import("../../app/models/Candidate/Candidate.server");

  global.gc?.();
  const baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  let streamedAt = started;
  const result = await ingestBulkOrdersJsonl(SHOP, file, {
    onProgress: () => void (streamedAt = performance.now()),
  });
  const ingestMs = performance.now() - started;
  clearInterval(sampler);
  // A busy event loop can hide a peak from the sampler; the kernel's high-water mark
  // cannot (it was far lower before the ingest).
  const maxRss = process.resourceUsage().maxRSS * 1024;
  peakRss = Math.max(peakRss, process.memoryUsage().rss, maxRss);

  // The Candidates page on this shop: first page, 20 pages on, a filtered page, the count.
  const pageMs: number[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const t0 = performance.now();
    const listed: Awaited<ReturnType<typeof listCandidates>> = await listCandidates(SHOP, { pageSize: 50, cursor, withTotal: false });
    pageMs.push(performance.now() - t0);
    cursor = listed.nextCursor;
  }
  const t1 = performance.now();
  const counted = await listCandidates(SHOP, { pageSize: 50, withTotal: true });
  const withCountMs = performance.now() - t1;
  const t2 = performance.now();
  await listCandidates(SHOP, { pageSize: 50, filters: { tag: "vip", minOrders: 3 }, withTotal: false });
  const filteredMs = performance.now() - t2;
  const customers = await prisma.customerStats.count({ where: { shop: SHOP } });
  await prisma.$disconnect();

  const bareMs = await bareLoop(file);

  pageMs.sort((a, b) => a - b);
  return {
    orders: result.ordersDone,
    lines: result.linesDone,
    customers,
    candidates: counted.totalCount ?? 0,
    bare_ms: round(bareMs, 0),
    ingest_ms: round(ingestMs, 0),
    stream_ms: round(streamedAt - started, 0),
    recompute_ms: round(started + ingestMs - streamedAt, 0),
    ratio: round(bareMs / ingestMs, 3),
    peak_rss_mb: rssMb(peakRss),
    baseline_rss_mb: rssMb(baselineRss),
    list_page_p50_ms: round(percentile(pageMs, 50)),
    list_page_max_ms: round(pageMs[pageMs.length - 1]),
    list_with_count_ms: round(withCountMs),
    list_filtered_ms: round(filteredMs),
  };
}

const benchmark: Benchmark = {
  description: `ingest ${SIZES.map((n) => n.toLocaleString("en")).join(" and ")} orders of bulk JSONL (with line-item child lines) into candidate scores, vs a bare readline + JSON.parse loop`,
  async run(log, context) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ingest-bench-"));
    try {
      const results: Figures[] = [];
      for (const size of SIZES) {
        const file = path.join(dir, `orders-${size}.jsonl`);
        const { lines } = await writeBulkJsonl(file, size);
        log(`${size.toLocaleString("en")} orders: ${lines.toLocaleString("en")} lines, ${rssMb(fs.statSync(file).size)} MB of JSONL`);
        const output = execFileSync(
          process.execPath,
          ["--expose-gc", "--import", "tsx", thisFile, "--child", file, await context.freshDatabase(`ingest_${size}`)],
          { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 1 << 20 },
        );
        const figures = JSON.parse(output.trim().split("\n").at(-1) as string) as Figures;
        results.push(figures);
        fs.rmSync(file, { force: true });
        log(
          `  bare readline + JSON.parse ${figures.bare_ms} ms | ingest ${figures.ingest_ms} ms ` +
            `(stream ${figures.stream_ms}, recompute ${figures.recompute_ms}) | ratio ${figures.ratio} | ` +
            `peak RSS ${figures.peak_rss_mb} MB (${figures.baseline_rss_mb} MB before the ingest)`,
        );
        log(
          `  ${figures.customers} customers, ${figures.candidates} candidates; list page p50 ${figures.list_page_p50_ms} ms ` +
            `(max ${figures.list_page_max_ms}), with total ${figures.list_with_count_ms} ms, filtered ${figures.list_filtered_ms} ms`,
        );
      }
      // The largest size's figures, its peak RSS the largest of all, and the other sizes'
      // ratio, time and peak RSS under their size ("_100k").
      const largest = results[results.length - 1];
      const label = (orders: number) => (orders >= 1_000_000 ? `${orders / 1_000_000}m` : `${orders / 1_000}k`);
      const others = results.slice(0, -1).flatMap((figures, i) => [
        [`ratio_${label(SIZES[i])}`, figures.ratio],
        [`ingest_ms_${label(SIZES[i])}`, figures.ingest_ms],
        [`peak_rss_mb_${label(SIZES[i])}`, figures.peak_rss_mb],
      ]);
      return {
        ...largest,
        peak_rss_mb: Math.max(...results.map((figures) => Number(figures.peak_rss_mb))),
        ...Object.fromEntries(others),
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;

if (process.argv[1] === thisFile && process.argv[2] === "--child") {
  const figures = await measure(process.argv[3], process.argv[4]);
  console.log(JSON.stringify(figures));
  process.exit(0);
}
