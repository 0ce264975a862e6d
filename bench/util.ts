// Shared helpers for benchmarks: timing with warm-up, medians, table printing.

export interface Timing {
  median: number;
  p95: number;
  min: number;
  runs: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

/** Time `fn` `runs` times after `warmup` untimed runs; milliseconds. */
export function time(fn: () => void, runs = 15, warmup = 3): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: quantile(t, 0.5), p95: quantile(t, 0.95), min: t[0] ?? NaN, runs };
}

export async function timeAsync(fn: () => Promise<void>, runs = 10, warmup = 2): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: quantile(t, 0.5), p95: quantile(t, 0.95), min: t[0] ?? NaN, runs };
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: (string | number)[]) =>
    '| ' + r.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join(' | ') + ' |';
  return [
    line(cells[0] ?? []),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...cells.slice(1).map(line),
  ].join('\n');
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}
