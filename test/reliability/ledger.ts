/**
 * What the reliability suite tried and what it lost, across its test files (each runs in
 * its own worker, so the tallies go through a file). test/setup/global-setup.ts empties the
 * file before the run and prints one summary line after it; issue 6 asks for that line.
 */
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../setup/test-env";

export const RELIABILITY_LEDGER = path.join(repoRoot, "test-results", "reliability-ledger.jsonl");

export interface ReliabilityTally {
  /** Which test recorded it (for the per-suite breakdown). */
  suite: string;
  /** Generated form/query/payload inputs sent (fast-check runs, tampered requests…). */
  inputsFuzzed?: number;
  /** Faults injected at the network edge or into the process (THROTTLED, 5xx, timeouts, kills). */
  faultsInjected?: number;
  /** Deliveries or requests sent again on purpose (replays, reordering). */
  duplicatesSent?: number;
  /** Effects that should exist and do not, or exist twice: must be 0. Count honestly. */
  lost: number;
}

export function recordReliability(tally: ReliabilityTally) {
  fs.mkdirSync(path.dirname(RELIABILITY_LEDGER), { recursive: true });
  fs.appendFileSync(RELIABILITY_LEDGER, `${JSON.stringify(tally)}\n`);
}

export function resetReliabilityLedger() {
  fs.rmSync(RELIABILITY_LEDGER, { force: true });
}

/** The closing line, e.g. "reliability: 1200 inputs fuzzed, 40 faults injected, 90 duplicates sent; lost 0". */
export function reliabilitySummary(): string | null {
  if (!fs.existsSync(RELIABILITY_LEDGER)) return null;
  const tallies = fs
    .readFileSync(RELIABILITY_LEDGER, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ReliabilityTally);
  const sum = (key: "inputsFuzzed" | "faultsInjected" | "duplicatesSent" | "lost") =>
    tallies.reduce((total, tally) => total + (tally[key] ?? 0), 0);
  return (
    `reliability: ${sum("inputsFuzzed")} inputs fuzzed, ${sum("faultsInjected")} faults injected, ` +
    `${sum("duplicatesSent")} duplicates sent, over ${new Set(tallies.map((t) => t.suite)).size} suites; lost ${sum("lost")}`
  );
}
