// The chart of the page: operations per second against worker threads, sharemap's measured points
// joined by a line, the phase in progress as a hollow point that moves with the live figure, the
// JS Map baseline (one thread, it cannot be shared) as a dashed level across the plot, and a
// dotted "linear scaling" line from sharemap's one-thread point for reference. Plain SVG, redrawn
// whole on every update: a few dozen elements, so there is nothing to gain from diffing. The
// legend is HTML beside it (index.html), which wraps on narrow screens where SVG text would not.

import { formatRate } from './format.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 960;
const HEIGHT = 320;
const MARGIN = { top: 16, right: 24, bottom: 44, left: 64 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
/** Room between the y axis and the first point, so its value label clears the tick labels. */
const X_INSET = 40;

/**
 * Redraws `svg`. `data`: { threadCounts (x ticks, ascending), points: [{ threads, opsPerSec }]
 * measured so far, live?: { threads, opsPerSec }, mapOpsPerSec?: number }.
 */
export function drawChart(svg, { threadCounts, points, live, mapOpsPerSec }) {
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.replaceChildren();
  const values = [...points.map((p) => p.opsPerSec), live?.opsPerSec ?? 0, mapOpsPerSec ?? 0];
  // Before the first figure, a scale of 0 to 1 M rather than one of fractions of an operation.
  const yTicks = niceTicks(Math.max(...values.filter(Number.isFinite)) || 1e6);
  const yMax = yTicks[yTicks.length - 1];
  const xMin = threadCounts[0];
  const xMax = Math.max(threadCounts[threadCounts.length - 1], xMin + 1);
  const x = (threads) => MARGIN.left + X_INSET + ((threads - xMin) / (xMax - xMin)) * (PLOT_W - 2 * X_INSET);
  const y = (ops) => MARGIN.top + PLOT_H - (Math.min(ops, yMax) / yMax) * PLOT_H;

  const add = (parent, name, attributes, text) => {
    const element = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (text !== undefined) element.textContent = text;
    parent.append(element);
    return element;
  };

  // The linear-scaling line may run off the top; it is clipped rather than allowed to squash the rest.
  const clip = add(add(svg, 'defs', {}), 'clipPath', { id: 'plot-area' });
  add(clip, 'rect', { x: MARGIN.left, y: MARGIN.top, width: PLOT_W, height: PLOT_H });

  for (const tick of yTicks) {
    add(svg, 'line', { class: 'grid', x1: MARGIN.left, x2: MARGIN.left + PLOT_W, y1: y(tick), y2: y(tick) });
    add(svg, 'text', { class: 'tick', x: MARGIN.left - 8, y: y(tick) + 4, 'text-anchor': 'end' }, formatRate(tick));
  }
  for (const threads of threadCounts) {
    add(svg, 'line', { class: 'axis', x1: x(threads), x2: x(threads), y1: MARGIN.top + PLOT_H, y2: MARGIN.top + PLOT_H + 5 });
    add(svg, 'text', { class: 'tick', x: x(threads), y: MARGIN.top + PLOT_H + 18, 'text-anchor': 'middle' }, threads);
  }
  add(svg, 'line', { class: 'axis', x1: MARGIN.left, x2: MARGIN.left + PLOT_W, y1: MARGIN.top + PLOT_H, y2: MARGIN.top + PLOT_H });
  add(svg, 'text', { class: 'axis-title', x: MARGIN.left + PLOT_W / 2, y: HEIGHT - 6, 'text-anchor': 'middle' }, 'worker threads');
  add(svg, 'text', {
    class: 'axis-title', x: 14, y: MARGIN.top + PLOT_H / 2, 'text-anchor': 'middle',
    transform: `rotate(-90 14 ${MARGIN.top + PLOT_H / 2})`,
  }, 'operations per second');

  const plot = add(svg, 'g', { 'clip-path': 'url(#plot-area)' });
  const one = points.find((p) => p.threads === 1);
  if (one && xMax > 1) {
    // y() caps at the top; this line must keep its slope and be clipped instead.
    const idealY = (threads) => MARGIN.top + PLOT_H - ((one.opsPerSec * threads) / yMax) * PLOT_H;
    add(plot, 'line', { class: 'ideal', x1: x(1), y1: idealY(1), x2: x(xMax), y2: idealY(xMax) });
  }
  if (Number.isFinite(mapOpsPerSec)) {
    add(plot, 'line', { class: 'map-level', x1: MARGIN.left, x2: MARGIN.left + PLOT_W, y1: y(mapOpsPerSec), y2: y(mapOpsPerSec) });
    add(svg, 'rect', { class: 'map-point', x: x(xMin) - 5, y: y(mapOpsPerSec) - 5, width: 10, height: 10 });
  }

  const line = [...points, ...(live ? [live] : [])].map((p) => `${x(p.threads)},${y(p.opsPerSec)}`).join(' ');
  if (line) add(svg, 'polyline', { class: live ? 'ours ours-live' : 'ours', points: line });
  for (const p of points) {
    add(svg, 'circle', { class: 'ours-point', cx: x(p.threads), cy: y(p.opsPerSec), r: 5 });
    add(svg, 'text', { class: 'value', x: x(p.threads), y: y(p.opsPerSec) - 10, 'text-anchor': 'middle' }, formatRate(p.opsPerSec));
  }
  if (live) add(svg, 'circle', { class: 'live-point', cx: x(live.threads), cy: y(live.opsPerSec), r: 6 });
}

/** Round tick values from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(max, count = 5) {
  const rough = max / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  const steps = Math.ceil(max / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, i) => i * step);
}
