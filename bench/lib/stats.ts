// Medians, spreads and percentiles of repeated measurements.

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Nearest-rank percentile (q from 0 to 1); 0 for no values. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

export interface Repeated {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function summarize(runs: readonly number[]): Repeated {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: [...runs] };
}

/** The spread a Figure carries. */
export function spreadOf(repeated: Repeated): { repeats: number; min: number; max: number } {
  return { repeats: repeated.runs.length, min: repeated.min, max: repeated.max };
}

/** Runs `measure` `times` times, one after the other. */
export async function repeat(times: number, measure: (run: number) => Promise<number>): Promise<Repeated> {
  const runs: number[] = [];
  for (let run = 0; run < times; run += 1) runs.push(await measure(run));
  return summarize(runs);
}
