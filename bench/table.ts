/**
 * Small helpers for benchmark output: plain-text tables, summary statistics,
 * duration formatting and a power-law fit of time against size.
 * @module
 */

/** Renders rows as an aligned text table (first column left-aligned, the rest right-aligned). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Median, 90th percentile (nearest rank), max and sum of a sample. */
export interface Stats { readonly median: number; readonly p90: number; readonly max: number; readonly sum: number; readonly n: number }

export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) return { median: NaN, p90: NaN, max: NaN, sum: 0, n: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const rank = (p: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, p90: rank(0.9), max: s[s.length - 1]!, sum: s.reduce((a, b) => a + b, 0), n: s.length };
}

/** Milliseconds as a short human figure ("0.42 ms", "12.3 ms", "4.10 s"). */
export function ms(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '-';
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

/** "a / b" as "12.3×", or "-" when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !(b > 0) || Number.isNaN(a)) return '-';
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(1)}×`;
}

/** Least-squares exponent k of t ≈ c·nᵏ over the points (n, t); NaN with fewer than two points. */
export function fitExponent(points: readonly { n: number; t: number }[]): number {
  const p = points.filter((x) => x.n > 0 && x.t > 0).map((x) => ({ x: Math.log(x.n), y: Math.log(x.t) }));
  if (p.length < 2) return NaN;
  const mx = p.reduce((a, b) => a + b.x, 0) / p.length;
  const my = p.reduce((a, b) => a + b.y, 0) / p.length;
  const num = p.reduce((a, b) => a + (b.x - mx) * (b.y - my), 0);
  const den = p.reduce((a, b) => a + (b.x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

/** `k` items spread evenly over `xs` (all of them if k ≥ length). */
export function evenSample<T>(xs: readonly T[], k: number | undefined): T[] {
  if (k === undefined || k >= xs.length) return [...xs];
  return Array.from({ length: k }, (_, i) => xs[Math.floor((i * xs.length) / k)]!);
}
