// How the page writes its figures and names its phases, in the log, the panels and the chart alike.

import { SHAREMAP } from './protocol.js';

/** 'sharemap' or 'JS Map'. */
export const implName = (impl) => (impl === SHAREMAP ? 'sharemap' : 'JS Map');

/** 'sharemap, 2 threads' */
export const phaseName = (impl, threads) => `${implName(impl)}, ${threads} thread${threads === 1 ? '' : 's'}`;

/** Operations per second, short: '12.3 M', '45 M', '341 k'. */
export function formatRate(opsPerSec) {
  if (!Number.isFinite(opsPerSec)) return '–';
  if (opsPerSec >= 1e6) return `${(opsPerSec / 1e6).toFixed(opsPerSec >= 1e8 ? 0 : 1).replace(/\.0$/, '')} M`;
  if (opsPerSec >= 1e3) return `${(opsPerSec / 1e3).toFixed(0)} k`;
  return opsPerSec.toFixed(0);
}

/** 1,000,000 */
export const formatCount = (n) => n.toLocaleString('en-US');
