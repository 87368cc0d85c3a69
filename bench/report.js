// Statistics and text tables for run.js; nothing here measures anything.

/** The q-quantile of ascending `sorted` by linear interpolation (as tinybench's p50/p75). */
export function quantile(sorted, q) {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (at - below);
}

export function median(values) {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

/**
 * The median over part 2 runs ({ perThread: ops/s of each worker }) of the ns one operation took
 * a worker (its window / its operations), averaged over the run's workers; null if no run has
 * any (a failed run has none).
 */
export function nsPerOpMedian(runs) {
  const perRun = runs.filter((r) => r.perThread.length > 0)
    .map((r) => r.perThread.reduce((sum, opsPerSecond) => sum + 1e9 / opsPerSecond, 0) / r.perThread.length);
  return perRun.length ? median(perRun) : null;
}

/** ns to a short string: 3 significant digits, no exponent. */
export function formatNs(ns) {
  if (ns >= 100) return ns.toFixed(0);
  if (ns >= 10) return ns.toFixed(1);
  return ns.toFixed(2);
}

/** ops/s in millions. */
export function formatOps(opsPerSecond) {
  const m = opsPerSecond / 1e6;
  if (!Number.isFinite(m)) return 'failed';
  if (m >= 10) return m.toFixed(1);
  return m >= 0.1 ? m.toFixed(2) : m.toFixed(4);
}

export const formatRatio = (ratio) => `${ratio.toFixed(2)}x`;

/**
 * A text table: `columns` is [{ title, align: 'left' | 'right' }], rows are arrays of strings.
 * Returns the lines, header and rule included.
 */
export function textTable(columns, rows) {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((cell, i) => (columns[i].align === 'right' ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * The report's line on slow spells of the line round trip (bench/transfer.js): how many
 * multi-thread runs were made again because a probe fell in one, and which rows still kept a run
 * in one (all its tries were slow).
 */
export function slowSpellNote(rows) {
  const reruns = rows.reduce((sum, row) => sum + (row.reruns ?? 0), 0);
  const kept = rows.filter((row) => row.slowSpellRuns > 0);
  const made = `slow spells: ${reruns} multi-thread ${reruns === 1 ? 'run' : 'runs'} made again because a probe of ` +
    'the line round trip fell in one (bench/transfer.js)';
  if (kept.length === 0) return `${made}; no run kept in one`;
  return `${made}; runs kept in one all the same: ${kept.map((row) => `${row.name} ${row.impl} ` +
    `(${row.slowSpellRuns} of ${row.runs.length})`).join(', ')}`;
}
