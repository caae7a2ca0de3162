/**
 * Background jobs: a real job queue (pg-boss 10) in the app's database, worked by every
 * app process, so that with several instances each job runs once and a crashed instance's
 * job is retried by another.
 *
 * Why pg-boss 10: it takes a job whose worker died back after the job's `expireInSeconds`
 * (checked by its maintenance, every JOB_QUEUE_MAINTENANCE_SECONDS) and retries it, both
 * configurable per queue; graphile-worker 0.17 only unlocks a crashed worker's job after a
 * fixed 4 hours. pg-boss 11+ starts a new table schema with no migration from 10's
 * (docs/jobs.md, "Why pg-boss 10").
 *
 * Each definition is a queue with the `stately` policy and the definition's key as
 * singleton key: at most one job per key queued and one active, across all instances. So a
 * key is never run twice at once, and enqueuing a key that is running leaves one job
 * queued behind it (the run may have looked before the new work was written). A queued
 * job whose key is active waits (pg-boss skips it, and the jobs after it of that kind,
 * until the active one ends).
 *
 * A kind with `onGiveUp` has a dead-letter queue (givenUpQueueOf), so that a last attempt
 * lost with its instance is given up on too, not left looking "running".
 */
import PgBoss from "pg-boss";
import { databaseUrl } from "../../prisma/database-url";
import type { JobDefinition } from "./runner.server";

/** The PostgreSQL schema of the queue's tables; pg-boss creates and migrates it at start. */
export const JOB_QUEUE_SCHEMA = process.env.JOB_QUEUE_SCHEMA || "pgboss";
/** pg-boss's default: a run still active after 15 minutes is taken for crashed. */
const DEFAULT_EXPIRE_SECONDS = 15 * 60;
const maintenanceSeconds = Number(process.env.JOB_QUEUE_MAINTENANCE_SECONDS) || 60;
const retryBaseMs = Number(process.env.JOB_RETRY_BASE_MS) || 1000;
/** How often a caller waiting for a job run by another instance looks at its state. */
const statePollMs = Number(process.env.JOB_QUEUE_STATE_POLL_MS) || 500;
/**
 * How often an idle worker asks for a job sent by another instance (pg-boss's default, 2 s;
 * its minimum 0.5 s). A job sent by this process wakes its workers at once.
 */
const pollSeconds = Math.max(0.5, Number(process.env.JOB_QUEUE_POLL_SECONDS) || 2);
/** Jobs of one kind this process runs at once. */
const workersPerKind = Number(process.env.JOB_QUEUE_WORKERS_PER_KIND) || 2;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJob = JobDefinition<any>;

interface Queue {
  boss: PgBoss;
  workerIds: Map<string, string[]>;
}

let queue: Promise<Queue> | null = null;
/** Callers waiting for a job (by id) this process may run itself: resolved at once when it does. */
const localWaiters = new Map<string, Set<() => void>>();
/** Jobs enqueued by this process and not finished yet (drainJobs). */
const pending = new Set<Promise<void>>();

/**
 * JOB_EXPIRE_SECONDS (tests) overrides every definition's. The queue's settings are
 * written by each instance at start: instances should share their configuration.
 */
export function expireSecondsOf(definition: AnyJob) {
  return Number(process.env.JOB_EXPIRE_SECONDS) || definition.expireInSeconds || DEFAULT_EXPIRE_SECONDS;
}

async function allDefinitions(): Promise<AnyJob[]> {
  const { allJobDefinitions } = await import("./all-jobs.server");
  return allJobDefinitions;
}

/**
 * A job whose last attempt ended without its worker calling `onGiveUp` — its instance
 * was killed or lost its database connection mid-run, so pg-boss failed it on expiry — is
 * copied by pg-boss to this queue (its dead-letter queue), whose worker calls `onGiveUp`.
 * Without it, a sync whose instance died on its last attempt would show "running" forever.
 */
export function givenUpQueueOf(definition: AnyJob): string {
  return `${definition.name}-given-up`;
}

// Whole seconds, growing as base, 2·base, 4·base, … (with jitter). A base under a second
// (tests) retries at once: pg-boss counts in seconds and backs off from 1 s.
const retrySettings = { retryDelay: Math.round(retryBaseMs / 1000), retryBackoff: retryBaseMs >= 1000 };

async function createQueue(boss: PgBoss, definition: AnyJob) {
  const givenUp = definition.onGiveUp ? givenUpQueueOf(definition) : null;
  const options = {
    policy: "stately" as const,
    retryLimit: (definition.maxAttempts ?? 5) - 1,
    ...retrySettings,
    expireInSeconds: expireSecondsOf(definition),
    ...(givenUp ? { deadLetter: givenUp } : {}),
  };
  // pg-boss gives the copy its job's retry limit: onGiveUp is retried as often as the run was.
  if (givenUp) await createOrUpdateQueue(boss, givenUp, { policy: "standard" as const, ...retrySettings });
  await createOrUpdateQueue(boss, definition.name, options);
}

async function createOrUpdateQueue(boss: PgBoss, name: string, options: Omit<PgBoss.Queue, "name">) {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, ...options });
      // The queue may exist from an earlier version with other settings.
      await boss.updateQueue(name, { name, ...options });
      return;
    } catch (error) {
      // Instances starting together create the same queue at once: PostgreSQL picks one as
      // a deadlock victim (or it meets the other's row); it tries again after a moment.
      const code = (error as { code?: string }).code;
      if (attempt >= 5 || (code !== "40P01" && code !== "23505")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}

function settleLocalWaiters(jobId: string) {
  const waiters = localWaiters.get(jobId);
  localWaiters.delete(jobId);
  for (const resolve of waiters ?? []) resolve();
}

let running = 0;

/** Jobs this process is running now (after a stop that timed out: ones handed back). */
export function runningJobCount() {
  return running;
}

/**
 * How a job's last attempt failed in its worker: pg-boss stores the error's own fields as
 * the failed job's output, and so as its dead-letter copy's. `givenUp`: `onGiveUp` ran,
 * the given-up queue's worker skips the copy; otherwise (`onGiveUp` itself failed) it
 * calls `onGiveUp` again with `reason`, the last attempt's error.
 */
class LastAttemptFailed extends Error {
  readonly reason: string;
  constructor(
    cause: unknown,
    readonly givenUp: boolean,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(reason, { cause });
    this.reason = reason;
  }
}

async function runJob(definition: AnyJob, job: PgBoss.JobWithMetadata<unknown>) {
  running++;
  try {
    await definition.run(job.data);
    settleLocalWaiters(job.id);
  } catch (error) {
    if (job.retryCount < job.retryLimit) {
      console.warn(`Job ${definition.name} failed (attempt ${job.retryCount + 1}), retrying`, error);
      throw error;
    }
    console.error(`Job ${definition.name} gave up after ${job.retryCount + 1} attempts`, error);
    try {
      await definition.onGiveUp?.(job.data, error);
    } catch (giveUpError) {
      console.error(`Job ${definition.name}: onGiveUp failed, the given-up queue retries it`, giveUpError);
      throw new LastAttemptFailed(error, false);
    } finally {
      settleLocalWaiters(job.id);
    }
    throw new LastAttemptFailed(error, true);
  } finally {
    running--;
  }
}

/**
 * The given-up queue's worker (see givenUpQueueOf): `onGiveUp` for a last attempt that
 * was lost with its instance (no error of ours recorded), or whose `onGiveUp` failed.
 */
async function giveUpLostRun(definition: AnyJob, job: PgBoss.JobWithMetadata<unknown>) {
  const recorded = (job.output ?? {}) as Partial<Pick<LastAttemptFailed, "givenUp" | "reason">>;
  if (recorded.givenUp === true) return;
  const minutes = Math.round(expireSecondsOf(definition) / 60);
  const reason =
    typeof recorded.reason === "string"
      ? recorded.reason
      : `the app instance running it stopped before it finished (or it ran past its ${minutes}-minute limit)`;
  console.error(`Job ${definition.name} gave up: ${reason}`);
  await definition.onGiveUp?.(job.data, new Error(reason));
}

async function start(): Promise<Queue> {
  const boss = new PgBoss({
    connectionString: databaseUrl(),
    schema: JOB_QUEUE_SCHEMA,
    max: Number(process.env.JOB_QUEUE_POOL_SIZE) || 4,
    maintenanceIntervalSeconds: maintenanceSeconds,
    // Finished jobs are only bookkeeping: the work's state lives in the domain rows.
    archiveCompletedAfterSeconds: 60 * 60,
    deleteAfterDays: 7,
  });
  boss.on("error", (error) => {
    // 57P01: the server is shutting down (a deploy, or the demo's embedded server on Ctrl+C).
    if ((error as { code?: string }).code === "57P01") console.warn("Job queue: the database server is shutting down");
    else console.error("Job queue error", error);
  });
  await boss.start();
  const workerIds = new Map<string, string[]>();
  // JOB_QUEUE_WORK=off: this process only sends jobs (e.g. a test that watches two workers).
  const work = process.env.JOB_QUEUE_WORK !== "off";
  const workerOptions = { batchSize: 1, includeMetadata: true as const, pollingIntervalSeconds: pollSeconds };
  for (const definition of await allDefinitions()) {
    await createQueue(boss, definition);
    if (!work) continue;
    const ids: string[] = [];
    for (let i = 0; i < workersPerKind; i++) {
      ids.push(await boss.work(definition.name, workerOptions, async ([job]) => runJob(definition, job)));
    }
    workerIds.set(definition.name, ids);
    if (definition.onGiveUp) {
      await boss.work(givenUpQueueOf(definition), workerOptions, async ([job]) => giveUpLostRun(definition, job));
    }
  }
  return { boss, workerIds };
}

/** Starts the queue and this process's workers for every job definition (once). */
export function startJobQueue(): Promise<Queue> {
  queue ??= start().catch((error) => {
    queue = null;
    throw error;
  });
  return queue;
}

/**
 * Calls for one key close together share one send: a send issued after a caller's work
 * was written covers that work, so a caller joins the key's send that has not been issued
 * yet, and the next one waits for the previous to be issued. Under a webhook burst this
 * turns hundreds of sends a second into a few per key.
 */
const SEND_COALESCE_MS = 5;
/** Per job kind and key: the send not issued yet, which new callers join. */
const unsentByKey = new Map<string, Promise<void>>();
/** Per job kind and key: the latest send's issuing (resolved once it reached the queue). */
const issuingByKey = new Map<string, Promise<void>>();

/**
 * Sends the job (merged into the key's queued job if there is one) and resolves when the
 * job it ended up in has finished, whichever instance ran it.
 */
export function enqueueOnQueue<Payload>(definition: JobDefinition<Payload>, payload: Payload): Promise<void> {
  const sendKey = `${definition.name}\u0000${definition.key(payload)}`;
  const joined = unsentByKey.get(sendKey);
  if (joined) return joined;
  const previousIssue = issuingByKey.get(sendKey);
  let issued = () => {};
  const issuing = new Promise<void>((resolve) => (issued = resolve));
  issuingByKey.set(sendKey, issuing);
  let unsent = true;
  const done = (async () => {
    try {
      await previousIssue;
      await new Promise((resolve) => setTimeout(resolve, SEND_COALESCE_MS));
      // From here on, new work needs a send of its own: this one may reach the queue first.
      unsentByKey.delete(sendKey);
      unsent = false;
      const { boss, workerIds } = await startJobQueue();
      const jobId = await sendOrJoin(boss, definition, payload);
      issued();
      const finished = waitForJob(boss, definition.name, jobId);
      for (const id of workerIds.get(definition.name) ?? []) boss.notifyWorker(id);
      await finished;
    } finally {
      if (unsent) unsentByKey.delete(sendKey);
      issued();
      if (issuingByKey.get(sendKey) === issuing) issuingByKey.delete(sendKey);
    }
  })().catch((error) => console.error(`Could not run job ${definition.name}`, error));
  unsentByKey.set(sendKey, done);
  pending.add(done);
  void done.finally(() => pending.delete(done));
  return done;
}

async function sendOrJoin<Payload>(boss: PgBoss, definition: JobDefinition<Payload>, payload: Payload) {
  const singletonKey = definition.key(payload);
  for (;;) {
    const id = await boss.send(definition.name, payload as object, { singletonKey });
    if (id) return id;
    // The key already has a job queued: it will see this work too.
    const { rows } = await boss.getDb().executeSql(
      `SELECT id FROM ${JOB_QUEUE_SCHEMA}.job WHERE name = $1 AND singleton_key = $2 AND state < 'active' ORDER BY created_on LIMIT 1`,
      [definition.name, singletonKey],
    );
    if (rows.length > 0) return rows[0].id as string;
    // It started in between: send again (it is now the active one).
  }
}

const FINAL_STATES = new Set(["completed", "failed", "cancelled"]);

/** One wait per job, however many sends joined it. */
const jobWaits = new Map<string, Promise<void>>();

function waitForJob(boss: PgBoss, name: string, jobId: string): Promise<void> {
  let wait = jobWaits.get(jobId);
  if (!wait) {
    wait = lookUntilFinished(boss, name, jobId);
    jobWaits.set(jobId, wait);
    const forget = () => jobWaits.delete(jobId);
    wait.then(forget, forget);
  }
  return wait;
}

function lookUntilFinished(boss: PgBoss, name: string, jobId: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const finish = () => {
      if (timer) clearTimeout(timer);
      localWaiters.get(jobId)?.delete(finish);
      resolve();
    };
    const waiters = localWaiters.get(jobId) ?? new Set();
    waiters.add(finish);
    localWaiters.set(jobId, waiters);
    const look = async () => {
      try {
        const job = await boss.getJobById(name, jobId, { includeArchive: true });
        if (!job || FINAL_STATES.has(job.state)) return finish();
        timer = setTimeout(() => void look(), statePollMs);
      } catch (error) {
        localWaiters.get(jobId)?.delete(finish);
        reject(error);
      }
    };
    timer = setTimeout(() => void look(), statePollMs);
  });
}

/** Resolves when every job this process enqueued so far has finished. */
export async function drainQueuedJobs(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/**
 * Periodic work as the queue's schedule (cron, UTC): each run happens once across all
 * instances. Upserts, so every instance may call it at boot.
 */
export async function scheduleJobs(schedules: { definition: AnyJob; cron: string }[]) {
  const { boss } = await startJobQueue();
  for (const { definition, cron } of schedules) {
    await boss.schedule(definition.name, cron, {}, { singletonKey: definition.key({}) });
  }
}

/**
 * Graceful stop: no new jobs fetched, running ones given `timeoutMs` to finish (the rest
 * fail and are retried by another instance), then the connections close.
 */
export function stopJobQueue(timeoutMs = 30_000): Promise<void> {
  // A second caller (a signal handler and a shutdown both) waits for the same stop, so
  // whoever stops the database next does it after the queue's connections are closed.
  if (stopping) return stopping;
  const current = queue;
  queue = null;
  if (!current) return Promise.resolve();
  stopping = current
    .catch(() => ({ boss: null }))
    .then(({ boss }) => boss?.stop({ graceful: true, timeout: timeoutMs, wait: true }))
    .finally(() => {
      stopping = null;
    });
  return stopping;
}

let stopping: Promise<void> | null = null;
