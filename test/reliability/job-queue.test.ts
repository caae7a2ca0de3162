/**
 * The job queue with two app instances (issue 6), PostgreSQL only: two child processes
 * (queue-child.ts), each working the queue, on one database. History syncs for several
 * shops, sent once each, run once each, split across both; then the instance running a
 * sync is SIGKILLed and the other retries it once the job expires, and completes it.
 * "Ran once" is read from Shopify's side (one export per shop, in the local shop) and
 * from our rows (the sync completed, one fact per order), not from the queue's bookkeeping.
 * Also: SIGTERM lets the running sync finish, and a sync whose instance dies on its last
 * attempt is recorded as failed (the given-up queue), not left running.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { startHistorySync } from "~/models/OrderHistory/HistorySync.server";
import { enqueueHistorySync, historySyncJob } from "~/jobs/history-sync.server";
import { startJobQueue } from "~/jobs/queue.server";
import { startLocalShop, type LocalShop } from "#/local-shop";
import { adminClientFor } from "#/utils/test-shop";
import { readAppToml } from "#/demo/app-config";
import { deleteShopData } from "#/factories/orders";
import { testEnv } from "#/setup/test-env";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";

const CHILD = path.join(import.meta.dirname, "queue-child.ts");
/** A run still active this long after it started is taken for crashed (a real one takes < 2 s here). */
const EXPIRE_SECONDS = 8;

interface Instance {
  process: ChildProcess;
  lines: string[];
  ready: Promise<void>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

function startInstance(shopUrls: Record<string, string>): Instance {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JOB_EXPIRE_SECONDS: String(EXPIRE_SECONDS),
    JOB_QUEUE_MAINTENANCE_SECONDS: "1",
  };
  delete env.JOB_QUEUE_WORK;
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(shopUrls)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += String(chunk)));
  const ready = new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      lines.push(line);
      if (line === "ready") resolve();
    });
    child.once("exit", (code) => reject(new Error(`instance exited (${code}) before it was ready: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { process: child, lines, ready, exited };
}

const ran = (instance: Instance, event: "start" | "done", syncId: string) =>
  instance.lines.filter((line) => line === `${event} ${syncId}`).length;

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 5) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const SHOPS = Array.from({ length: 6 }, (_, i) => `queue-${i}.myshopify.com`);
const SLOW_SHOP = "queue-slow.myshopify.com";

describe("job queue: two app instances on one database", () => {
  const shops = new Map<string, LocalShop>();
  let instances: Instance[] = [];
  let shopUrls: Record<string, string> = {};

  beforeAll(async () => {
    const toml = readAppToml();
    for (const [i, domain] of [...SHOPS, SLOW_SHOP].entries()) {
      await deleteShopData(domain);
      const slow = domain === SLOW_SHOP;
      const shop = await startLocalShop({
        shopDomain: domain,
        apiKey: API_KEY,
        apiSecret: API_SECRET_KEY,
        appUrl: testEnv.SHOPIFY_APP_URL,
        webhookSubscriptions: toml.webhookUris,
        grantedScopes: toml.scopes,
        seed: { customers: slow ? 100 : 20, orders: slow ? 400 : 60, seed: 60 + i },
        // The slow shop's export takes a few seconds: time to kill the instance mid-run.
        ...(slow ? { bulkChunkSize: 20, bulkChunkDelayMs: 150 } : {}),
      });
      shops.set(domain, shop);
      await adminClientFor(shop);
    }
    // This test process only sends jobs: the two instances work them. Same expiry as theirs
    // (each instance writes the queue's settings when it starts).
    process.env.JOB_QUEUE_WORK = "off";
    process.env.JOB_EXPIRE_SECONDS = String(EXPIRE_SECONDS);
    shopUrls = Object.fromEntries([...shops].map(([domain, shop]) => [domain, shop.url]));
    instances = [startInstance(shopUrls), startInstance(shopUrls)];
    await Promise.all(instances.map((instance) => instance.ready));
  }, 60_000);

  afterAll(async () => {
    // A graceful stop; a stuck instance is killed rather than left behind.
    for (const instance of instances) instance.process.kill("SIGTERM");
    const stuck = setTimeout(() => instances.forEach((instance) => instance.process.kill("SIGKILL")), 15_000);
    await Promise.all(instances.map((instance) => instance.exited));
    clearTimeout(stuck);
    delete process.env.JOB_EXPIRE_SECONDS;
    for (const [domain, shop] of shops) {
      await shop.close();
      await deleteShopData(domain);
      await prisma.session.deleteMany({ where: { shop: domain } });
    }
  });

  async function expectSyncedOnce(domain: string, syncId: string) {
    const sync = await prisma.historySync.findUniqueOrThrow({ where: { id: syncId } });
    expect([sync.status, sync.error], domain).toEqual(["completed", null]);
    const shop = shops.get(domain)!;
    expect(shop.store.bulkOperations.size, `${domain}: one export started, by one run`).toBe(1);
    const facts = await prisma.orderFact.count({ where: { shop: domain } });
    expect(facts, `${domain}: one fact per order`).toBe(shop.store.orders.length);
  }

  it("runs each job once, split across both instances", async () => {
    const syncs = await Promise.all(
      SHOPS.map((shop) => startHistorySync(shop, { method: "bulk", ordersReadableSince: null })),
    );
    // Resolves when each job has finished, whichever instance ran it.
    await Promise.all(syncs.map((sync) => enqueueHistorySync(sync.shop, sync.id)));

    for (const sync of syncs) {
      await expectSyncedOnce(sync.shop, sync.id);
      const runs = instances.map((instance) => ran(instance, "start", sync.id));
      expect(runs.reduce((a, b) => a + b), `${sync.shop}: runs across both instances`).toBe(1);
      expect(instances.map((instance) => ran(instance, "done", sync.id)).reduce((a, b) => a + b)).toBe(1);
    }
    const perInstance = instances.map((instance) => syncs.filter((sync) => ran(instance, "done", sync.id) > 0).length);
    expect(perInstance.every((count) => count > 0), `jobs per instance: ${perInstance}`).toBe(true);
  }, 60_000);

  it("retries a killed instance's job on the other instance, once, after it expires", async () => {
    const sync = await startHistorySync(SLOW_SHOP, { method: "bulk", ordersReadableSince: null });
    const finished = enqueueHistorySync(SLOW_SHOP, sync.id);

    await until(() => instances.some((instance) => ran(instance, "start", sync.id) > 0), 20_000);
    const [killed, survivor] = ran(instances[0], "start", sync.id) > 0 ? instances : [instances[1], instances[0]];
    killed.process.kill("SIGKILL");
    await killed.exited;
    const killedAt = Date.now();
    const unfinished = await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } });
    expect(unfinished.finishedAt, "killed mid-run").toBeNull();
    const startedAt = unfinished.startedAt.getTime();

    await finished;
    // The job expired EXPIRE_SECONDS after its run started (the sync row was claimed just before).
    expect(Date.now() - startedAt, "retried only once the killed run expired").toBeGreaterThan(EXPIRE_SECONDS * 1000);
    expect(Date.now() - killedAt, "and not much later").toBeLessThan((EXPIRE_SECONDS + 20) * 1000);
    expect(ran(killed, "done", sync.id), "the killed instance did not finish it").toBe(0);
    expect(ran(survivor, "start", sync.id), "the other instance ran it once").toBe(1);
    expect(ran(survivor, "done", sync.id)).toBe(1);
    // Resumed where it stopped: the same export, not a second one; each order stored once.
    await expectSyncedOnce(SLOW_SHOP, sync.id);
  }, 90_000);

  it("stops gracefully on SIGTERM: the job it is running finishes first, then it exits", async () => {
    const instance = instances.find((candidate) => candidate.process.exitCode === null && !candidate.process.killed)!;
    const exportsBefore = shops.get(SLOW_SHOP)!.store.bulkOperations.size;
    const sync = await startHistorySync(SLOW_SHOP, { method: "bulk", ordersReadableSince: null });
    const finished = enqueueHistorySync(SLOW_SHOP, sync.id);
    await until(() => ran(instance, "start", sync.id) > 0, 20_000);

    instance.process.kill("SIGTERM");
    expect(await instance.exited, "exit code: no job left running").toBe(0);
    expect(ran(instance, "done", sync.id), "it finished the job before exiting").toBe(1);
    await finished;
    const done = await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } });
    expect([done.status, done.error]).toEqual(["completed", null]);
    expect(shops.get(SLOW_SHOP)!.store.bulkOperations.size, "one more export, by one run").toBe(exportsBefore + 1);
  }, 60_000);

  it("records the give-up when the instance running a job's last attempt is killed", async () => {
    const fresh = [startInstance(shopUrls), startInstance(shopUrls)];
    instances.push(...fresh);
    await Promise.all(fresh.map((instance) => instance.ready));
    const sync = await startHistorySync(SLOW_SHOP, { method: "bulk", ordersReadableSince: null });
    // Sent as the queue sends it, but with no retry left: its first attempt is its last.
    const { boss } = await startJobQueue();
    await boss.send(historySyncJob.name, { shop: SLOW_SHOP, syncId: sync.id }, { singletonKey: sync.id, retryLimit: 0 });

    await until(() => fresh.some((instance) => ran(instance, "start", sync.id) > 0), 20_000);
    const [killed, survivor] = ran(fresh[0], "start", sync.id) > 0 ? fresh : [fresh[1], fresh[0]];
    killed.process.kill("SIGKILL");
    await killed.exited;
    expect((await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } })).finishedAt, "killed mid-run").toBeNull();

    // The job expires (EXPIRE_SECONDS after it started); the survivor's given-up worker
    // then calls onGiveUp, which marks the sync failed with a reason the merchant can read.
    const finished = async () => (await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } })).finishedAt !== null;
    await until(finished, (EXPIRE_SECONDS + 30) * 1000, 200);
    const failed = await prisma.historySync.findUniqueOrThrow({ where: { id: sync.id } });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(/^The sync stopped: the app instance running it stopped before it finished/);
    expect(ran(survivor, "start", sync.id), "no attempt was left: not run again").toBe(0);
  }, 90_000);
});
