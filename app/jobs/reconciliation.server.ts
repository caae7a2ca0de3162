/**
 * Reconciliation runs in the background: on demand (admin "Check recent orders now") and
 * daily. Every hour the schedule asks which installed shops have not had a run for 24
 * hours (`dueReconciliations`) and starts one for each, as a job on the queue's schedule
 * (once across instances). A run's state is its ReconciliationRun row, so after a restart
 * the runs still "running" start again (`recoverReconciliations`).
 */
import prisma from "../db.server";
import { unauthenticated } from "../shopify.server";
import {
  failReconciliationRun,
  reconcileRecentOrders,
  startReconciliationRun,
  type ReconciliationTrigger,
} from "../models/Attribution/Reconciliation.server";
import { pauseLeakedAmbassadors } from "../models/Fraud/auto-pause.server";
import { enqueueProvisioning } from "./ambassador-provisioning.server";
import { enqueueJob, periodicJob, type JobDefinition } from "./runner.server";
import { enqueueRewardFollowUps } from "./reward-maturation.server";

const DAY = 86_400_000;

export const reconciliationJob: JobDefinition<{ shop: string; runId: string }> = {
  name: "reconciliation",
  key: ({ runId }) => runId,
  async run({ shop, runId }) {
    const run = await prisma.reconciliationRun.findFirst({ where: { shop, id: runId }, select: { status: true } });
    if (run?.status !== "running") return;
    const { admin } = await unauthenticated.admin(shop);
    const result = await reconcileRecentOrders(admin.graphql, shop, runId);
    enqueueRewardFollowUps(shop, result);
    if (result.ambassadorsToPause.length > 0) {
      const paused = await pauseLeakedAmbassadors(shop, result.ambassadorsToPause);
      if (paused.length > 0) enqueueProvisioning(shop);
    }
  },
  async onGiveUp({ shop, runId }, error) {
    await failReconciliationRun(
      shop,
      runId,
      `The check stopped: ${error instanceof Error ? error.message : String(error)}`,
    );
  },
};

/** Starts a run (or joins the one running) in the background; returns its row. */
export async function requestReconciliation(shop: string, trigger: ReconciliationTrigger) {
  const run = await startReconciliationRun(shop, trigger);
  void enqueueJob(reconciliationJob, { shop, runId: run.id });
  return run;
}

/**
 * Shops due for the daily run at `now`: installed, with ambassador codes (else there is
 * nothing to reconcile), and no run started in the last 24 hours.
 */
export async function dueReconciliations(now: Date): Promise<string[]> {
  const installed = await prisma.shop.findMany({ where: { uninstalledAt: null }, select: { shop: true } });
  if (installed.length === 0) return [];
  const shops = installed.map((s) => s.shop);
  const withCodes = await prisma.ambassadorCode.findMany({
    where: { shop: { in: shops } },
    distinct: ["shop"],
    select: { shop: true },
  });
  const recent = await prisma.reconciliationRun.findMany({
    where: { shop: { in: shops }, startedAt: { gt: new Date(now.getTime() - DAY) } },
    distinct: ["shop"],
    select: { shop: true },
  });
  const ranRecently = new Set(recent.map((r) => r.shop));
  return withCodes.map((c) => c.shop).filter((shop) => !ranRecently.has(shop)).sort();
}

/** One look at the schedule: starts the runs that are due. Returns the shops started. */
export async function runDueReconciliations(now = new Date()): Promise<string[]> {
  const due = await dueReconciliations(now);
  for (const shop of due) await requestReconciliation(shop, "scheduled");
  return due;
}

/** The hourly look at the schedule, as a job (the queue's schedule runs it). */
export const reconciliationScheduleJob = periodicJob("reconciliation-schedule", "hourly", runDueReconciliations);
export const RECONCILIATION_SCHEDULE_CRON = "0 * * * *";

/** After a restart: runs that were still going start over. */
export async function recoverReconciliations() {
  const running = await prisma.reconciliationRun.findMany({
    where: { status: "running" },
    select: { shop: true, id: true },
  });
  for (const { shop, id } of running) void enqueueJob(reconciliationJob, { shop, runId: id });
  return running.length;
}
