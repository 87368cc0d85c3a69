// Part 2: cross-thread throughput. Our map is created and filled on the main thread, then
// runWorkers starts 1, 2 (… 4 with BENCH_FULL) real Worker threads on it running
// bench/tasks/throughput.mjs, whose header lists what each worker does and which parts are
// timed. Beside it:
//   - js-map: the baseline, a JS Map on one worker thread (its own Map: a Map cannot be shared),
//     through the same task and timing code;
//   - control: the same threads touching no map, which measures how much parallelism the
//     machine gave at that moment (it is shared with other processes).
//
// Each repetition runs every configuration once, in the same order, so a slow spell caused by
// another process lands on all of them rather than on one; each configuration gets
// `repetitions` runs and we report their median and min-max.

import { ConcurrentMap, runWorkers } from 'sharemap';
import { throughput as params, SEED } from './config.js';
import { median } from './report.js';

const TASK = new URL('./tasks/throughput.mjs', import.meta.url);

/** The control's workload: no map; len only sizes the key array it sums. */
const CONTROL = { op: 'control', len: 1000 };

export const configName = ({ op, len }, threads) =>
  op === CONTROL.op ? `control/threads=${threads}` : `${op}/key=number/len=${len}/threads=${threads}`;

async function sharedMap({ op, len }) {
  const map = await ConcurrentMap.create({ key: 'number', value: 'number', initialCapacity: len });
  for (let i = 0; i < len; i++) map.set(i, op === 'read' ? i : 0);
  return map;
}

function configurations() {
  const configs = params.threads.map((threads) => ({ workload: CONTROL, impl: 'none', threads }));
  for (const workload of params.workloads) {
    configs.push({ workload, impl: 'js-map', threads: 1 });
    for (const threads of params.threads) configs.push({ workload, impl: 'sharemap', threads });
  }
  return configs;
}

/**
 * One runWorkers call. Total ops/s is the sum of each worker's ops over its own timed window
 * (the windows start together at the task's gate and last durationMs each). cpuShare is the mean
 * over workers of CPU time / window (null off Linux).
 */
async function runOnce(config, map) {
  const { workload, impl, threads } = config;
  const lockWaitsBefore = map?.stats().lockWaits;
  const results = await runWorkers({
    task: TASK,
    threads,
    map: impl === 'sharemap' ? map : undefined,
    timeoutMs: params.runTimeoutMs,
    args: {
      workload: workload.op,
      len: workload.len,
      impl,
      seed: SEED,
      sequenceLength: params.sequenceLength,
      chunkOps: params.chunkOps,
      warmupMs: params.warmupMs,
      durationMs: params.durationMs,
      gate: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)),
    },
  });
  const perThread = results.map(({ ops, elapsedNs }) => (ops / elapsedNs) * 1e9);
  const cpuShares = results.map(({ cpuMs, elapsedNs }) => (cpuMs === null ? null : cpuMs / (elapsedNs / 1e6)));
  return {
    opsPerSecond: perThread.reduce((a, b) => a + b, 0),
    perThread,
    cpuShare: cpuShares.includes(null) ? null : cpuShares.reduce((a, b) => a + b, 0) / threads,
    // Includes the warm-up, which also runs on every thread.
    lockWaits: map === undefined ? null : map.stats().lockWaits - lockWaitsBefore,
  };
}

export async function runThroughput(progress) {
  const maps = new Map();
  for (const workload of params.workloads) {
    progress(`throughput: filling the shared map for ${workload.op}/len=${workload.len}`);
    maps.set(workload, await sharedMap(workload));
  }
  const configs = configurations();
  const runs = configs.map(() => []);
  for (let rep = 0; rep < params.repetitions; rep++) {
    for (const [i, config] of configs.entries()) {
      const run = await runOnce(config, config.impl === 'sharemap' ? maps.get(config.workload) : undefined);
      runs[i].push(run);
      progress(`throughput rep ${rep + 1}/${params.repetitions} ` +
        `${configName(config.workload, config.threads).padEnd(38)} ${config.impl.padEnd(8)} ` +
        `${(run.opsPerSecond / 1e6).toFixed(2).padStart(7)} M ops/s` +
        (run.cpuShare === null ? '' : `, cpu ${(run.cpuShare * 100).toFixed(0)}%`) +
        (run.lockWaits === null ? '' : `, ${run.lockWaits} lock waits`));
    }
  }
  for (const map of maps.values()) map.close();

  const rows = configs.map((config, i) => {
    const totals = runs[i].map((r) => r.opsPerSecond);
    const shares = runs[i].map((r) => r.cpuShare);
    return {
      name: configName(config.workload, config.threads),
      workload: config.workload.op,
      len: config.workload.len,
      impl: config.impl,
      threads: config.threads,
      opsPerSecond: { median: median(totals), min: Math.min(...totals), max: Math.max(...totals) },
      cpuShareMedian: shares.includes(null) ? null : median(shares),
      lockWaitsMedian: config.impl === 'sharemap' ? median(runs[i].map((r) => r.lockWaits)) : null,
      runs: runs[i],
    };
  });
  // scaling: median ops/s at N threads / median ops/s at 1 thread, same workload and impl.
  // vsJsMap: our median ops/s / the one-thread JS Map's, same workload.
  for (const row of rows) {
    const one = rows.find((r) => r.impl === row.impl && r.workload === row.workload && r.len === row.len && r.threads === 1);
    if (row.impl !== 'js-map') row.scaling = row.opsPerSecond.median / one.opsPerSecond.median;
    if (row.impl !== 'sharemap') continue;
    const map = rows.find((r) => r.impl === 'js-map' && r.workload === row.workload && r.len === row.len);
    row.vsJsMap = row.opsPerSecond.median / map.opsPerSecond.median;
  }
  return rows;
}
