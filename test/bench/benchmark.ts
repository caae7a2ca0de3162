export type Figures = Record<string, number | string | boolean>;

export interface Benchmark {
  description: string;
  /** Does the work, reports readable lines through `log`, returns the figures. */
  run(log: (line: string) => void): Promise<Figures>;
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
