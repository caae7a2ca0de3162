/**
 * Web performance of what merchants and shoppers see, over the demo (build/) in Debian's
 * Chromium on loopback.
 *
 * Admin: each admin page loaded ROUNDS times cold (a new browser context: empty cache) and
 * warm (a reload in the same context), with LCP and CLS from PerformanceObserver; INP from
 * scripted interactions (filter, sort, open a detail, save settings), each one's duration
 * being the longest Event Timing entry of its interaction (durationThreshold 16: an
 * interaction that reports nothing took under 16 ms and counts as 16).
 *
 * Storefront: Lighthouse 13 (mobile, simulated throttling, as Shopify's speed score) on the
 * storefront preview's home, product and collection pages with and without the app's
 * blocks, weighted as Shopify does (17 / 40 / 43 %); the drop is the score without our
 * blocks minus the score with them. Also the blocks' own JavaScript gzipped, whether it is
 * deferred, whether Lighthouse finds one of our requests render-blocking, and the layout
 * shift while the block fills in for a logged-in shopper.
 *
 * Needs `npm run build` first. WEB_BENCH_ROUNDS (5) and WEB_BENCH_LIGHTHOUSE_RUNS (3).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import lighthouse from "lighthouse";
import { BROWSER_USER_AGENT, startDemo, type Demo } from "../demo/demo";
import { repoRoot } from "../demo/app-config";
import { readBlockSchema } from "../demo/storefront";
import { prismaClientOn } from "../utils/database";
import { percentile, round, type BenchContext, type Benchmark, type Figures } from "./benchmark";

const ROUNDS = Number(process.env.WEB_BENCH_ROUNDS ?? 5);
const LIGHTHOUSE_RUNS = Number(process.env.WEB_BENCH_LIGHTHOUSE_RUNS ?? 3);
/** `admin`, `storefront` or both (the default), to measure one side while fixing it. */
const PARTS = (process.env.WEB_BENCH_PARTS ?? "admin,storefront").split(",");
// WEB_BENCH_PAGES=candidates,settings: only those admin pages (when looking into one).
const ADMIN_PAGE_FILTER = process.env.WEB_BENCH_PAGES?.split(",");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  // App Bridge's CDN script cannot load offline: fail it at once rather than on a DNS timeout.
  "--host-resolver-rules=MAP cdn.shopify.com ~NOTFOUND",
];

/** What the observers installed before any page script gather. */
const VITALS_OBSERVERS = `(() => {
  const vitals = (window.__vitals = { lcp: 0, lcpElement: "", fcp: 0, ttfb: 0, cls: 0, shifts: [], events: [] });
  const observe = (type, options, onEntry) => {
    try { new PerformanceObserver((list) => list.getEntries().forEach(onEntry)).observe({ type, buffered: true, ...options }); } catch {}
  };
  const describe = (node) => node ? node.nodeName + (typeof node.className === "string" && node.className ? "." + node.className.split(" ")[0] : "") : "?";
  observe("largest-contentful-paint", {}, (e) => { vitals.lcp = e.startTime; vitals.lcpElement = describe(e.element); });
  observe("paint", {}, (e) => { if (e.name === "first-contentful-paint") vitals.fcp = e.startTime; });
  observe("navigation", {}, (e) => { vitals.ttfb = e.responseStart; });
  // CLS as Web Vitals defines it: the largest session window (gaps < 1 s, at most 5 s).
  let windowValue = 0, windowFirst = 0, windowLast = -Infinity;
  observe("layout-shift", {}, (e) => {
    if (e.hadRecentInput) return;
    if (e.startTime - windowLast < 1000 && e.startTime - windowFirst < 5000) windowValue += e.value;
    else { windowValue = e.value; windowFirst = e.startTime; }
    windowLast = e.startTime;
    vitals.cls = Math.max(vitals.cls, windowValue);
    vitals.shifts.push({ value: e.value, at: Math.round(e.startTime), nodes: (e.sources || []).map((s) => describe(s.node)) });
  });
  observe("event", { durationThreshold: 16 }, (e) => {
    if (e.interactionId) vitals.events.push({ id: e.interactionId, name: e.name, duration: e.duration });
  });
})();`;

interface Vitals {
  lcp: number;
  lcpElement: string;
  fcp: number;
  ttfb: number;
  cls: number;
  shifts: Array<{ value: number; at: number; nodes: string[] }>;
  events: Array<{ id: number; name: string; duration: number }>;
}

interface AdminPage {
  name: string;
  path: string;
  heading: RegExp;
  /** Scripted interactions, each named for the report. */
  interactions?: Array<{ name: string; run: (page: Page) => Promise<void> }>;
}

const settle = (page: Page, ms = 400) => page.waitForTimeout(ms);

/**
 * How long a button or key is held, as a person holds it (~80 ms). Playwright's default
 * of 0 sends pointerdown, pointerup and click in one task, so the pointerdown's Event
 * Timing entry absorbs the click's work and a single interaction counts twice the time a
 * merchant's click would.
 */
const PRESS = { delay: 80 } as const;

const ADMIN_PAGES: AdminPage[] = [
  { name: "home", path: "/app", heading: /Order history/ },
  {
    name: "dashboard",
    path: "/app/dashboard",
    heading: /^Dashboard$/,
    interactions: [
      {
        name: "period",
        run: async (page) => {
          await page.getByLabel("Period").focus();
          await page.keyboard.press("ArrowDown", PRESS);
          await page.waitForURL(/period=/);
        },
      },
    ],
  },
  {
    name: "candidates",
    path: "/app/candidates",
    heading: /^Candidates$/,
    interactions: [
      {
        name: "filter",
        run: async (page) => {
          await page.getByRole("button", { name: "Search and filter candidates" }).click(PRESS);
          await page.getByPlaceholder("Search by name or email").click(PRESS);
          await page.keyboard.type("an", { delay: 60 });
          await page.waitForURL(/q=an/);
        },
      },
      {
        name: "sort",
        run: async (page) => {
          await page.getByRole("button", { name: "Sort the results" }).click(PRESS);
          await page.getByRole("radio", { name: "Orders" }).click({ ...PRESS, force: true });
          await page.waitForURL(/sort=/);
        },
      },
    ],
  },
  {
    name: "ambassadors",
    path: "/app/ambassadors",
    heading: /^Ambassadors$/,
    interactions: [
      {
        name: "open a detail",
        run: async (page) => {
          await page.locator("table tbody tr a[href^='/app/ambassadors/']").first().click(PRESS);
          await page.waitForURL(/\/app\/ambassadors\/[^/?]+$/);
        },
      },
    ],
  },
  {
    name: "applications",
    path: "/app/applications",
    heading: /^Applications$/,
    interactions: [
      {
        name: "filter",
        run: async (page) => {
          await page.getByRole("tab", { name: /Approved/ }).click(PRESS);
          await page.waitForURL(/status=approved/);
        },
      },
    ],
  },
  {
    name: "rewards",
    path: "/app/rewards",
    heading: /^Rewards$/,
    interactions: [
      {
        name: "filter",
        run: async (page) => {
          await page.getByLabel("Status").first().focus();
          await page.keyboard.press("ArrowDown", PRESS);
        },
      },
    ],
  },
  {
    name: "settings",
    path: "/app/settings",
    heading: /^Program settings$/,
    interactions: [
      {
        name: "save settings",
        run: async (page) => {
          await page.getByLabel("Minimum orders").click(PRESS);
          await page.keyboard.press("ControlOrMeta+A", PRESS);
          await page.keyboard.type("3");
          await page.getByRole("button", { name: "Save" }).click(PRESS);
          await page.getByText(/saved/i).first().waitFor();
        },
      },
    ],
  },
];

interface Load {
  page: string;
  cache: "cold" | "warm";
  ttfb: number;
  fcp: number;
  lcp: number;
  lcpElement: string;
  cls: number;
  shifts: Vitals["shifts"];
}

interface Interaction {
  page: string;
  name: string;
  duration: number;
  /** The event type that took `duration` (click, keydown, pointerup…). */
  event: string;
}

async function readVitals(page: Page): Promise<Vitals> {
  return page.evaluate(() => (window as unknown as { __vitals: Vitals }).__vitals);
}

async function measureLoad(page: Page, adminPage: AdminPage, load: () => Promise<unknown>) {
  await load();
  await page.getByRole("heading", { name: adminPage.heading, level: 1 }).or(page.getByRole("heading", { name: adminPage.heading })).first().waitFor();
  await page.waitForLoadState("load");
  // Late shifts count too (charts, lazily loaded parts): give them time to land.
  await settle(page, 1500);
  return readVitals(page);
}

/** The interactions' durations: per interaction id, its longest event. */
async function runInteraction(page: Page, adminPage: AdminPage, interaction: NonNullable<AdminPage["interactions"]>[number]) {
  const before = (await readVitals(page)).events.length;
  await interaction.run(page);
  await settle(page);
  const events = (await readVitals(page)).events.slice(before);
  const byInteraction = new Map<number, { duration: number; event: string }>();
  for (const e of events) {
    if (e.duration > (byInteraction.get(e.id)?.duration ?? -1)) byInteraction.set(e.id, { duration: e.duration, event: e.name });
  }
  const slowest = [...byInteraction.values()];
  // Nothing reported: every event of it took under the 16 ms threshold.
  return (slowest.length ? slowest : [{ duration: 16, event: "" }]).map(({ duration, event }) => ({
    page: adminPage.name,
    name: interaction.name,
    duration,
    event,
  }));
}

async function newAdminContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: BROWSER_USER_AGENT });
  await context.addInitScript(VITALS_OBSERVERS);
  return context;
}

async function measureAdmin(browser: Browser, demo: Demo, log: (line: string) => void) {
  const loads: Load[] = [];
  const interactions: Interaction[] = [];
  // The server's first answers (code paths compiled, the metrics job's first run) are not
  // what a merchant meets on an app in use: one unmeasured visit of each page first.
  const warmUp = await newAdminContext(browser);
  const warmUpPage = await warmUp.newPage();
  for (const adminPage of ADMIN_PAGES) await measureLoad(warmUpPage, adminPage, () => warmUpPage.goto(demo.appUrl + adminPage.path));
  await warmUp.close();
  const adminPages = ADMIN_PAGES.filter((p) => !ADMIN_PAGE_FILTER || ADMIN_PAGE_FILTER.includes(p.name));
  for (let round = 0; round < ROUNDS; round++) {
    for (const adminPage of adminPages) {
      const context = await newAdminContext(browser);
      const page = await context.newPage();
      const url = demo.appUrl + adminPage.path;
      const cold = await measureLoad(page, adminPage, () => page.goto(url));
      loads.push({ page: adminPage.name, cache: "cold", ...cold });
      const warm = await measureLoad(page, adminPage, () => page.reload());
      loads.push({ page: adminPage.name, cache: "warm", ...warm });
      for (const interaction of adminPage.interactions ?? []) {
        interactions.push(...(await runInteraction(page, adminPage, interaction)));
      }
      await context.close();
    }
  }

  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  log(`admin pages, ${ROUNDS} rounds (cold load, warm reload, interactions):`);
  log(`  ${"page".padEnd(13)} ${"TTFB p75".padStart(9)} ${"FCP p75".padStart(8)} ${"LCP p75 cold".padStart(13)} ${"LCP p75 warm".padStart(13)} ${"CLS max".padStart(8)}  LCP element; INP (interactions, p75 / max)`);
  for (const adminPage of adminPages) {
    const of = (cache: Load["cache"]) => sorted(loads.filter((l) => l.page === adminPage.name && l.cache === cache).map((l) => l.lcp));
    const ofPage = loads.filter((l) => l.page === adminPage.name);
    const cls = Math.max(...ofPage.map((l) => l.cls));
    const p75 = (key: "ttfb" | "fcp") => `${Math.round(percentile(sorted(ofPage.map((l) => l[key])), 75))} ms`;
    const lcpElements = [...new Set(ofPage.map((l) => l.lcpElement))].join("/");
    const inp = interactions.filter((i) => i.page === adminPage.name);
    const inpText = inp.length
      ? [...new Set(inp.map((i) => i.name))]
          .map((name) => {
            const ofName = inp.filter((i) => i.name === name);
            const d = sorted(ofName.map((i) => i.duration));
            // Which event (click, keydown, pointerup…) the slowest interaction spent it in.
            const worst = ofName.reduce((a, b) => (b.duration > a.duration ? b : a));
            return `${name} ${Math.round(percentile(d, 75))} / ${Math.round(d[d.length - 1])} ms${worst.event ? ` (${worst.event})` : ""}`;
          })
          .join(", ")
      : "–";
    log(
      `  ${adminPage.name.padEnd(13)} ${p75("ttfb").padStart(9)} ${p75("fcp").padStart(8)} ${`${Math.round(percentile(of("cold"), 75))} ms`.padStart(13)} ${`${Math.round(percentile(of("warm"), 75))} ms`.padStart(13)} ${cls.toFixed(3).padStart(8)}  ${lcpElements}; ${inpText}`,
    );
  }
  const shifted = loads.filter((l) => l.cls > 0.001);
  for (const l of shifted.slice(0, 6)) {
    log(`  shift on ${l.page} (${l.cache}): ${l.shifts.map((s) => `${s.value.toFixed(3)} at ${s.at} ms [${s.nodes.join(", ")}]`).join("; ")}`);
  }
  const lcps = sorted(loads.map((l) => l.lcp));
  const clss = sorted(loads.map((l) => l.cls));
  const inps = sorted(interactions.map((i) => i.duration));
  return {
    admin_lcp_ms_p75: Math.round(percentile(lcps, 75)),
    admin_lcp_ms_p75_cold: Math.round(percentile(sorted(loads.filter((l) => l.cache === "cold").map((l) => l.lcp)), 75)),
    admin_lcp_ms_p75_warm: Math.round(percentile(sorted(loads.filter((l) => l.cache === "warm").map((l) => l.lcp)), 75)),
    admin_cls: round(percentile(clss, 75), 3),
    admin_cls_max: round(clss[clss.length - 1] ?? 0, 3),
    admin_inp_ms_p75: Math.round(percentile(inps, 75)),
    admin_inp_ms_max: Math.round(inps[inps.length - 1] ?? 0),
    admin_loads: loads.length,
    admin_interactions: interactions.length,
  };
}

/** Debian's Chromium with a DevTools port for Lighthouse (never a downloaded browser). */
async function launchForLighthouse(): Promise<{ port: number; process: ChildProcess; profile: string }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "web-bench-chromium-"));
  const child = spawn(CHROMIUM, [...CHROMIUM_FLAGS, "--remote-debugging-port=0", `--user-data-dir=${profile}`, "about:blank"], {
    stdio: ["ignore", "ignore", "pipe"],
    // Its own process group, so that closing it ends its helpers too (they write to the
    // profile directory after the browser process itself has gone).
    detached: true,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`Chromium gave no DevTools port: ${output}`)), 30_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`Chromium exited (${code}): ${output}`)));
  });
  return { port, process: child, profile };
}

const STOREFRONT_PAGES = [
  { name: "home", path: "/", weight: 0.17 },
  { name: "product", path: "/products/demo-product", weight: 0.4 },
  { name: "collection", path: "/collections/all", weight: 0.43 },
];

interface LighthouseRun {
  score: number;
  fcp: number;
  /** Lighthouse's measure of the machine's speed at the time (higher is faster). */
  benchmarkIndex: number;
  renderBlocking: string[];
  cls: number;
  lcp: number;
  tbt: number;
}

async function runLighthouse(url: string, port: number): Promise<LighthouseRun> {
  const result = await lighthouse(url, { port, output: "json", logLevel: "error", onlyCategories: ["performance"] });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  const { lhr } = result;
  if (lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${lhr.runtimeError.message}`);
  // Lighthouse 13 replaced the render-blocking-resources audit with this insight (same items).
  const items = (lhr.audits["render-blocking-insight"]?.details as { items?: Array<{ url: string }> } | undefined)?.items ?? [];
  const numeric = (id: string) => lhr.audits[id]?.numericValue ?? 0;
  return {
    score: (lhr.categories.performance.score ?? 0) * 100,
    fcp: numeric("first-contentful-paint"),
    benchmarkIndex: lhr.environment.benchmarkIndex ?? 0,
    renderBlocking: items.map((i) => new URL(i.url).pathname),
    cls: numeric("cumulative-layout-shift"),
    lcp: numeric("largest-contentful-paint"),
    tbt: numeric("total-blocking-time"),
  };
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measureStorefront(demo: Demo, log: (line: string) => void) {
  const chromium = await launchForLighthouse();
  const runs: Record<string, { with: LighthouseRun[]; without: LighthouseRun[] }> = {};
  try {
    for (let run = 0; run < LIGHTHOUSE_RUNS; run++) {
      for (const page of STOREFRONT_PAGES) {
        const entry = (runs[page.name] ??= { with: [], without: [] });
        // Alternated, so that the machine's noise falls on both sides alike.
        const order = run % 2 === 0 ? (["without", "with"] as const) : (["with", "without"] as const);
        for (const side of order) {
          const url = `${demo.storefrontUrl}${page.path}${side === "without" ? "?blocks=off" : ""}`;
          entry[side].push(await runLighthouse(url, chromium.port));
        }
      }
    }
  } finally {
    const exited = new Promise((resolve) => chromium.process.once("exit", resolve));
    process.kill(-(chromium.process.pid as number), "SIGTERM");
    await exited;
    try {
      fs.rmSync(chromium.profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (error) {
      // A leftover temporary directory is no reason to lose the figures.
      log(`  (could not remove ${chromium.profile}: ${(error as Error).message})`);
    }
  }

  log(`storefront, Lighthouse ${LIGHTHOUSE_RUNS} runs per page and side (median; mobile, simulated throttling):`);
  log(`  ${"page".padEnd(11)} ${"weight".padStart(6)} ${"without".padStart(8)} ${"with".padStart(6)}  FCP without / with     LCP without / with     TBT without / with   CLS with`);
  let weightedWith = 0;
  let weightedWithout = 0;
  const renderBlocking = new Set<string>();
  let clsWith = 0;
  for (const page of STOREFRONT_PAGES) {
    const { with: withBlocks, without } = runs[page.name];
    const scoreWith = median(withBlocks.map((r) => r.score));
    const scoreWithout = median(without.map((r) => r.score));
    weightedWith += page.weight * scoreWith;
    weightedWithout += page.weight * scoreWithout;
    for (const r of withBlocks) for (const p of r.renderBlocking) if (p.startsWith("/extension-assets/")) renderBlocking.add(p);
    clsWith = Math.max(clsWith, ...withBlocks.map((r) => r.cls));
    const ms = (rs: LighthouseRun[], key: "fcp" | "lcp" | "tbt") => `${Math.round(median(rs.map((r) => r[key])))}`;
    log(
      `  ${page.name.padEnd(11)} ${`${page.weight * 100} %`.padStart(6)} ${scoreWithout.toFixed(0).padStart(8)} ${scoreWith.toFixed(0).padStart(6)}  ${`${ms(without, "fcp")} / ${ms(withBlocks, "fcp")} ms`.padEnd(21)}  ${`${ms(without, "lcp")} / ${ms(withBlocks, "lcp")} ms`.padEnd(21)}  ${`${ms(without, "tbt")} / ${ms(withBlocks, "tbt")} ms`.padEnd(19)}  ${clsWith.toFixed(3)}`,
    );
  }
  log(`  weighted: ${weightedWithout.toFixed(1)} without our blocks, ${weightedWith.toFixed(1)} with them`);
  log(`  our render-blocking requests (Lighthouse): ${renderBlocking.size ? [...renderBlocking].join(", ") : "none"}`);
  const benchmarkIndex = median(Object.values(runs).flatMap((r) => [...r.with, ...r.without]).map((r) => r.benchmarkIndex));
  log(`  Lighthouse benchmarkIndex (machine speed; a quiet desktop is ~1,500-2,500): median ${Math.round(benchmarkIndex)}`);
  return {
    storefront_score_without: round(weightedWithout, 1),
    storefront_score_with: round(weightedWith, 1),
    storefront_score_drop: round(weightedWithout - weightedWith, 1),
    storefront_render_blocking: renderBlocking.size,
    storefront_lighthouse_cls: round(clsWith, 3),
    lighthouse_benchmark_index: Math.round(benchmarkIndex),
  };
}

/** The blocks' declared JavaScript, gzipped as a CDN serves it, and how the page loads it. */
async function measureBlockAssets(demo: Demo, log: (line: string) => void) {
  const extensionDir = path.join(repoRoot, "extensions/ambassadors-theme");
  const blockDir = path.join(extensionDir, "blocks");
  const scripts = new Set<string>();
  for (const file of fs.readdirSync(blockDir).filter((f) => f.endsWith(".liquid"))) {
    const schema = readBlockSchema(path.join(blockDir, file));
    if (schema.javascript) scripts.add(schema.javascript);
  }
  let gzipBytes = 0;
  for (const name of scripts) {
    const source = fs.readFileSync(path.join(extensionDir, "assets", name));
    const gz = zlib.gzipSync(source, { level: 9 }).length;
    gzipBytes += gz;
    log(`block script ${name}: ${(source.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(2)} KB gzipped`);
  }
  const html = await (await fetch(`${demo.storefrontUrl}/products/demo-product`)).text();
  const ourScripts = [...html.matchAll(/<script\b[^>]*src="\/extension-assets\/[^"]*"[^>]*>/g)].map((m) => m[0]);
  const deferred = ourScripts.length > 0 && ourScripts.every((tag) => /\sdefer\b/.test(tag) || /\sasync\b/.test(tag));
  log(`block scripts loaded defer: ${deferred ? "yes" : "NO"} (${ourScripts.join(" ")})`);
  return { block_js_kb_gzip: round(gzipBytes / 1024, 2), block_js_deferred: deferred };
}

/**
 * The shift while the blocks fill in: a logged-in shopper's product page, where the signup
 * block asks the app proxy whether they applied already and answers in place.
 */
async function measureBlockFillIn(browser: Browser, demo: Demo, log: (line: string) => void) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, userAgent: BROWSER_USER_AGENT });
  await context.addInitScript(VITALS_OBSERVERS);
  const page = await context.newPage();
  const values: number[] = [];
  try {
    const home = await (await fetch(demo.storefrontUrl + "/")).text();
    const login = /href="(\/account\/login\?customer_id=[^"]+)"/.exec(home)?.[1]?.replace(/&#38;/g, "&");
    if (!login) throw new Error("The storefront preview offers no demo login");
    await page.goto(demo.storefrontUrl + login);
    for (const pagePath of STOREFRONT_PAGES.map((p) => p.path)) {
      const proxyAnswer = page.waitForResponse((r) => r.url().includes("/apps/ambassadors/"), { timeout: 10_000 }).catch(() => null);
      await page.goto(demo.storefrontUrl + pagePath);
      await proxyAnswer;
      await settle(page, 800);
      const vitals = await readVitals(page);
      values.push(vitals.cls);
      log(`  storefront ${pagePath} (logged in, mobile viewport): LCP element ${vitals.lcpElement}, CLS ${vitals.cls.toFixed(3)}`);
      if (vitals.cls > 0) log(`    shifts: ${pagePath}: ${vitals.shifts.map((s) => `${s.value.toFixed(3)} [${s.nodes.join(", ")}]`).join("; ")}`);
    }
  } finally {
    await context.close();
  }
  const cls = Math.max(...values);
  log(`layout shift while the blocks fill in (logged-in shopper, mobile viewport): ${cls.toFixed(3)}`);
  return { block_fill_in_cls: round(cls, 3) };
}

async function prepareDemo(log: (line: string) => void, context: BenchContext): Promise<Demo> {
  const databaseUrl = await context.freshDatabase("web");
  const demo = await startDemo({ appPort: 0, storefrontPort: 0, customers: 3000, orders: 9000, databaseUrl });
  const db = prismaClientOn(databaseUrl);
  try {
    for (const deadline = Date.now() + 120_000; ; ) {
      const sync = await db.historySync.findFirst({ where: { shop: demo.shopDomain }, orderBy: { startedAt: "desc" } });
      if (sync?.status === "completed") break;
      if (Date.now() > deadline) throw new Error("The demo's history sync did not finish");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Something on every page: ambassadors with orders, rewards and clicks, applications.
    const { seedAnalyticsScenario } = await import("../factories/analytics");
    await seedAnalyticsScenario(demo.shopDomain, new Date());
    const buyers = demo.localShop.store.customers.filter((c) => c.orderIds.length >= 2 && c.email).slice(0, 12);
    await db.ambassadorApplication.createMany({
      data: buyers.map((c, i) => ({
        shop: demo.shopDomain,
        name: `${c.firstName ?? "Shopper"} ${c.lastName ?? ""}`.trim(),
        email: (c.email ?? "").toLowerCase(),
        customerId: c.legacyResourceId,
        reason: "I tell everyone about this shop.",
        consentedAt: new Date(),
        status: i % 3 === 0 ? "approved" : "pending",
      })),
    });
  } finally {
    await db.$disconnect();
  }
  log(`demo: ${demo.localShop.store.customers.length} customers, history synced, dashboard scenario seeded`);
  return demo;
}

const benchmark: Benchmark = {
  description: "admin Web Vitals (LCP, CLS, INP) and storefront Lighthouse with and without the app's blocks, in Debian's Chromium",
  async run(log, context) {
    const demo = await prepareDemo(log, context);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    try {
      const figures: Figures = {};
      if (PARTS.includes("admin")) Object.assign(figures, await measureAdmin(browser, demo, log));
      if (PARTS.includes("storefront")) {
        Object.assign(figures, await measureBlockAssets(demo, log));
        Object.assign(figures, await measureBlockFillIn(browser, demo, log));
        Object.assign(figures, await measureStorefront(demo, log));
      }
      return {
        admin_lcp_ms_p75: figures.admin_lcp_ms_p75,
        admin_cls: figures.admin_cls,
        admin_inp_ms_p75: figures.admin_inp_ms_p75,
        storefront_score_drop: figures.storefront_score_drop,
        block_js_kb_gzip: figures.block_js_kb_gzip,
        ...figures,
        rounds: ROUNDS,
        lighthouse_runs: LIGHTHOUSE_RUNS,
        cpus: os.cpus().length,
        loadavg_1m: round(os.loadavg()[0], 2),
      };
    } finally {
      await browser.close();
      await demo.close();
    }
  },
};

export default benchmark;
