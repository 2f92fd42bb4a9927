/** Nearest-rank percentile of `values` (p in 0-100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export interface BenchResult {
  name: string;
  /** Rows for the printed table: metric, value, unit, target. */
  rows: Array<{ metric: string; value: number | string; unit: string; target?: string; met?: boolean }>;
  details?: Record<string, unknown>;
}

export function printResult(r: BenchResult): void {
  console.log(`\n## ${r.name}`);
  console.table(
    r.rows.map((row) => ({ metric: row.metric, value: row.value, unit: row.unit, target: row.target ?? '', met: row.met === undefined ? '' : row.met ? 'yes' : 'NO' })),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
