// The throughput chart (results/throughput.svg): one panel per workload, ops/s (log scale, the
// same for every panel so panels compare) against worker threads, one line per implementation.
// The one-thread js-map baseline is a single marker at 1 thread. Hand-written SVG, no library.

const PANEL_W = 330;
const PANEL_H = 240;
const MARGIN = { left: 62, right: 14, top: 34, bottom: 40 };
const COLUMNS = 3;
const LEGEND_H = 48;

/** One colour per implementation; sharemap is the thick line. */
const STYLE = {
  sharemap: { color: '#d62728', width: 3 },
  'sharemap-owned': { color: '#ff9896', width: 2 },
  'sharemap-rwlock': { color: '#e377c2', width: 2 },
  'sharemap-sharded': { color: '#17becf', width: 2 },
  'sharemap-read-mostly': { color: '#bcbd22', width: 2 },
  'js-map': { color: '#1f77b4', width: 1.5 },
  'global-lock': { color: '#2ca02c', width: 1.5 },
  postmessage: { color: '#9467bd', width: 1.5 },
  'postmessage-batch': { color: '#8c564b', width: 1.5 },
  lmdb: { color: '#ff7f0e', width: 1.5 },
  none: { color: '#7f7f7f', width: 1, dash: '4 3' },
  floor: { color: '#000000', width: 1, dash: '2 2' },
};
const LABEL = { none: 'control (no map)', floor: 'floor (no map)' };

const escape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function formatOps(v) {
  if (v >= 1e9) return `${v / 1e9}G`;
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(v);
}

/**
 * The SVG text for throughput rows (bench/throughput.js): each row has workload, impl, threads
 * and opsPerSecond.median. Rows without a finite median are left out.
 */
export function throughputSvg(rows, title) {
  const valid = rows.filter((r) => Number.isFinite(r.opsPerSecond.median) && r.opsPerSecond.median > 0);
  const workloads = [...new Set(valid.map((r) => r.workload))];
  const impls = [...new Set(valid.map((r) => r.impl))];
  const threads = [...new Set(valid.map((r) => r.threads))].sort((a, b) => a - b);
  const values = valid.map((r) => r.opsPerSecond.median);
  const lo = Math.floor(Math.log10(Math.min(...values, 1e6)));
  const hi = Math.ceil(Math.log10(Math.max(...values, 1e7)));
  const rowsOfPanels = Math.ceil(workloads.length / COLUMNS);
  const width = COLUMNS * PANEL_W;
  const height = LEGEND_H + rowsOfPanels * PANEL_H + 20;
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="8" y="16" font-size="13" font-weight="bold">${escape(title)}</text>`);
  impls.forEach((impl, i) => {
    const s = STYLE[impl] ?? { color: '#000', width: 1 };
    const x = 8 + (i % 4) * 150;
    const y = 32 + Math.floor(i / 4) * 14;
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" stroke="${s.color}" ` +
      `stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>` +
      `<circle cx="${x + 11}" cy="${y - 4}" r="3" fill="${s.color}"/>` +
      `<text x="${x + 28}" y="${y}">${escape(LABEL[impl] ?? impl)}</text>`);
  });
  workloads.forEach((workload, p) => {
    const ox = (p % COLUMNS) * PANEL_W + MARGIN.left;
    const oy = LEGEND_H + Math.floor(p / COLUMNS) * PANEL_H + MARGIN.top;
    const x = (t) => ox + (threads.length === 1 ? plotW / 2 : (threads.indexOf(t) / (threads.length - 1)) * plotW);
    const y = (v) => oy + plotH - ((Math.log10(v) - lo) / (hi - lo)) * plotH;
    out.push(`<text x="${ox + plotW / 2}" y="${oy - 8}" text-anchor="middle" font-size="10" font-weight="bold">${escape(workload)}</text>`);
    out.push(`<rect x="${ox}" y="${oy}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);
    for (let e = lo; e <= hi; e++) {
      out.push(`<line x1="${ox}" y1="${y(10 ** e)}" x2="${ox + plotW}" y2="${y(10 ** e)}" stroke="#e4e4e4"/>` +
        `<text x="${ox - 4}" y="${y(10 ** e) + 4}" text-anchor="end">${formatOps(10 ** e)}</text>`);
    }
    for (const t of threads) {
      out.push(`<text x="${x(t)}" y="${oy + plotH + 14}" text-anchor="middle">${t}</text>`);
    }
    out.push(`<text x="${ox + plotW / 2}" y="${oy + plotH + 30}" text-anchor="middle">worker threads</text>`);
    out.push(`<text transform="translate(${ox - 46} ${oy + plotH / 2}) rotate(-90)" text-anchor="middle">ops/s (log)</text>`);
    for (const impl of impls) {
      const points = valid
        .filter((r) => r.workload === workload && r.impl === impl)
        .sort((a, b) => a.threads - b.threads)
        .map((r) => [x(r.threads), y(r.opsPerSecond.median)]);
      if (points.length === 0) continue;
      const s = STYLE[impl] ?? { color: '#000', width: 1 };
      if (points.length > 1) {
        out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="${s.width}"` +
          `${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${points.map((q) => q.map((c) => c.toFixed(1)).join(',')).join(' ')}"/>`);
      }
      for (const [px, py] of points) out.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
