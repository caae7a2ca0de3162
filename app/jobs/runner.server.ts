/**
 * Background work. On the embedded default (SQLite, one process) jobs run in this process.
 * On PostgreSQL the same definitions run on a job queue worked by every instance
 * (queue.server.ts). A job's state lives in its own domain rows (e.g. HistorySync), so
 * after a restart `recover` re-enqueues whatever was unfinished.
 */
import { databaseProvider } from "../../prisma/database-url";
import { drainQueuedJobs, enqueueOnQueue } from "./queue.server";

export interface JobDefinition<Payload> {
  name: string;
  /** Does (or resumes) the work. Must be safe to run again after a crash. */
  run(payload: Payload): Promise<void>;
  /**
   * One job per key. Enqueuing a key that is running makes it run once more afterwards
   * (the run may have looked before the new work was written), never twice at once.
   */
  key(payload: Payload): string;
  /** Attempts before giving up (default 5); waits grow as 1 s, 2 s, 4 s, … */
  maxAttempts?: number;
  /** Called with the last error when attempts are exhausted. */
  onGiveUp?(payload: Payload, error: unknown): Promise<void>;
  /**
   * PostgreSQL queue: a run still active after this long is taken for a crashed
   * instance's and retried elsewhere (default 15 minutes). Longer than any real run.
   */
  expireInSeconds?: number;
}

/**
 * A periodic job (the PostgreSQL queue's schedule, or a timer on SQLite, starts it): no
 * payload, one key per period so a run is never doubled, one attempt (the next period
 * is the retry).
 */
export function periodicJob(name: string, period: string, run: () => Promise<unknown>): JobDefinition<Record<string, never>> {
  return {
    name,
    key: () => period,
    maxAttempts: 1,
    async run() {
      await run();
    },
  };
}

/** PostgreSQL: jobs go through the queue; SQLite: they run in this process. */
export function usesJobQueue() {
  return databaseProvider() === "postgresql";
}

interface Entry {
  promise: Promise<void>;
  /** Enqueued again while running: new work may have arrived after the run looked. */
  again: boolean;
}

const active = new Map<string, Entry>();
// JOB_RETRY_BASE_MS: the first wait between attempts (tests use a short one).
const retryBaseMs = Number(process.env.JOB_RETRY_BASE_MS) || 1000;

/**
 * Runs the job soon; resolves when it (or the run it was merged into) has finished.
 * Never rejects: a job that gives up calls its `onGiveUp`.
 */
export function enqueueJob<Payload>(definition: JobDefinition<Payload>, payload: Payload): Promise<void> {
  if (usesJobQueue()) return enqueueOnQueue(definition, payload);
  const key = `${definition.name}:${definition.key(payload)}`;
  const existing = active.get(key);
  if (existing) {
    existing.again = true;
    return existing.promise;
  }
  const entry: Entry = { promise: Promise.resolve(), again: false };
  entry.promise = (async () => {
    try {
      do {
        entry.again = false;
        await runWithRetries(definition, payload);
      } while (entry.again);
    } finally {
      active.delete(key);
    }
  })();
  active.set(key, entry);
  return entry.promise;
}

/** Resolves when every job queued so far has finished (tests, shutdown). */
export async function drainJobs(): Promise<void> {
  await drainQueuedJobs();
  while (active.size > 0) {
    await Promise.allSettled([...active.values()].map((entry) => entry.promise));
  }
}

async function runWithRetries<Payload>(definition: JobDefinition<Payload>, payload: Payload) {
  const maxAttempts = definition.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      await definition.run(payload);
      return;
    } catch (error) {
      if (attempt >= maxAttempts) {
        console.error(`Job ${definition.name} gave up after ${attempt} attempts`, error);
        await definition.onGiveUp?.(payload, error);
        return;
      }
      console.warn(`Job ${definition.name} failed (attempt ${attempt}), retrying`, error);
      await new Promise((resolve) => setTimeout(resolve, retryBaseMs * 2 ** (attempt - 1)));
    }
  }
}
