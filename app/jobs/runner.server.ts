/**
 * Background work: job definitions, run on the job queue worked by every instance
 * (queue.server.ts). A job's state lives in its own domain rows (e.g. HistorySync), so
 * after a restart `recover` re-enqueues whatever was unfinished.
 */
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
   * A run still active after this long is taken for a crashed instance's and retried
   * elsewhere (default 15 minutes). Longer than any real run.
   */
  expireInSeconds?: number;
}

/**
 * A periodic job (the queue's schedule starts it, all-jobs.server.ts): no
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

/**
 * Runs the job soon, on whichever instance takes it; resolves when it (or the run it was
 * merged into) has finished. Never rejects: a job that gives up calls its `onGiveUp`.
 */
export function enqueueJob<Payload>(definition: JobDefinition<Payload>, payload: Payload): Promise<void> {
  return enqueueOnQueue(definition, payload);
}

/** Resolves when every job this process enqueued so far has finished (tests, shutdown). */
export function drainJobs(): Promise<void> {
  return drainQueuedJobs();
}
