export type Figures = Record<string, number | string | boolean>;

/** What the runner gives each benchmark: the run's one PostgreSQL server. */
export interface BenchContext {
  /** A new, empty, migrated database on the run's server, named after `label`: its URL. */
  freshDatabase(label: string): Promise<string>;
  /** The server's postmaster process id (its backends are its children). */
  postgresPid(): number;
}

export interface Benchmark {
  description: string;
  /** Does the work, reports readable lines through `log`, returns the figures. */
  run(log: (line: string) => void, context: BenchContext): Promise<Figures>;
}

export function percentile(sortedValues: number[], p: number): number {
  if (sortedValues.length === 0) return 0;
  const index = Math.min(sortedValues.length - 1, Math.ceil((p / 100) * sortedValues.length) - 1);
  return sortedValues[Math.max(0, index)];
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
