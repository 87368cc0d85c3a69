// The strategy comparison of part 2: for each workload and thread count, sharemap's strategies
// side by side (rows of bench/throughput.js whose impl is sharemap or sharemap-<strategy>), which
// one wins and by how much over the next. The numbers behind README's "Which strategy?".

import { formatOps, formatRatio, textTable } from './report.js';

const IMPLS = ['sharemap', 'sharemap-owned', 'sharemap-rwlock', 'sharemap-sharded', 'sharemap-read-mostly'];
const NAMES = {
  sharemap: 'concurrent', 'sharemap-owned': 'owned', 'sharemap-rwlock': 'rwlock', 'sharemap-sharded': 'sharded',
  'sharemap-read-mostly': 'read-mostly',
};

/** One comparison per (workload, threads): { workload, threads, ops: { strategy: ops/s }, winner, margin }. */
export function compareStrategies(rows) {
  const out = [];
  const keys = [...new Set(rows.filter((r) => IMPLS.includes(r.impl)).map((r) => `${r.workload}|${r.threads}`))];
  for (const key of keys) {
    const [workload, threadsText] = key.split('|');
    const threads = Number(threadsText);
    const ops = {};
    for (const impl of IMPLS) {
      const row = rows.find((r) => r.impl === impl && r.workload === workload && r.threads === threads);
      if (row && Number.isFinite(row.opsPerSecond.median)) ops[NAMES[impl]] = row.opsPerSecond.median;
    }
    const ranked = Object.entries(ops).sort((a, b) => b[1] - a[1]);
    if (ranked.length === 0) continue;
    out.push({
      workload, threads, ops,
      winner: ranked[0][0],
      // How many times faster the winner was than the runner-up (1 when it ran alone).
      margin: ranked.length > 1 ? ranked[0][1] / ranked[1][1] : 1,
    });
  }
  return out;
}

/** The comparison as text lines for the report. */
export function strategyTable(comparisons) {
  const cell = (c, name) => (c.ops[name] === undefined ? '-' : formatOps(c.ops[name]));
  return textTable(
    [
      { title: 'workload', align: 'left' },
      { title: 'threads', align: 'right' },
      { title: 'concurrent', align: 'right' },
      { title: 'owned', align: 'right' },
      { title: 'rwlock', align: 'right' },
      { title: 'sharded', align: 'right' },
      { title: 'read-mostly', align: 'right' },
      { title: 'fastest', align: 'left' },
      { title: 'by', align: 'right' },
    ],
    comparisons.map((c) => [
      c.workload, String(c.threads), cell(c, 'concurrent'), cell(c, 'owned'), cell(c, 'rwlock'), cell(c, 'sharded'),
      cell(c, 'read-mostly'), c.winner, formatRatio(c.margin),
    ]),
  );
}
