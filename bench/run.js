// `npm run bench`: prints the header (runtime, machine, date, parameters), runs part 1
// (single-thread latency, bench/latency.js) and part 2 (cross-thread throughput,
// bench/throughput.js), prints their tables and writes everything to bench/results/latest.json.
// Progress lines go to stderr, so stdout holds only the header and the tables.
// bench/README.md explains the dimensions, the names and the numbers.

import { mkdirSync, writeFileSync } from 'node:fs';
import { environment } from './environment.js';
import * as config from './config.js';
import { runLatency, sinkValue } from './latency.js';
import { runThroughput } from './throughput.js';
import { formatNs, formatOps, formatRatio, textTable } from './report.js';

const started = performance.now();
const progress = (line) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${seconds} s] ${line}\n`);
};
const print = (line = '') => process.stdout.write(`${line}\n`);
const percent = (share) => (share === null ? 'n/a' : `${(share * 100).toFixed(0)}%`);
const formatShares = (...shares) => shares.map(percent).join(' / ');

const env = environment();
const parameters = { full: config.FULL, seed: config.SEED, latency: config.latency, throughput: config.throughput };

print(`sharemap benchmark ${config.FULL ? '(BENCH_FULL=1: full matrix)' : '(default matrix; BENCH_FULL=1 runs the full one)'}`);
print(`date     ${env.date}`);
print(`runtime  Node ${env.runtime.node}, V8 ${env.runtime.v8}, tinybench ${env.runtime.tinybench}`);
print(`machine  ${env.machine.os} ${env.machine.arch}, ${env.machine.cpuModel}, ` +
  `${env.machine.cores} cores (available parallelism ${env.machine.availableParallelism}), ` +
  `${(env.machine.totalMemoryBytes / 2 ** 30).toFixed(1)} GiB`);
print(`load     ${env.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min averages at start; other processes share the cores)`);
print(`code     sharemap ${env.code.sharemap}${env.code.commit ? `, commit ${env.code.commit.slice(0, 12)}` : ''}`);
const L = config.latency;
const T = config.throughput;
print(`latency  ${L.batchOps} ops per tinybench iteration; per case and map ${L.warmupMs} ms warm-up, then ${L.timeMs} ms ` +
  `timed in ${L.rounds} alternating rounds; random indices (seed ${config.SEED})`);
print(`threads  ${T.threads.join('/')} worker threads, ${T.repetitions} repetitions, ${T.durationMs} ms timed per run ` +
  `after ${T.warmupMs} ms warm-up`);
print();

const latencyRows = await runLatency(progress);
print('Single-thread latency, ns per operation: median (p25-p75) over tinybench samples, each the mean of one batch');
print('ratio = sharemap p50 / Map p50 (above 1: sharemap is slower); cpu = this thread\'s CPU time / wall time while');
print('timing sharemap / Map (below 100%: descheduled for other processes, so that row is suspect)');
for (const line of textTable(
  [
    { title: 'task', align: 'left' },
    { title: 'sharemap', align: 'right' },
    { title: '(p25-p75)', align: 'left' },
    { title: 'Map', align: 'right' },
    { title: '(p25-p75)', align: 'left' },
    { title: 'ratio', align: 'right' },
    { title: 'cpu', align: 'right' },
  ],
  latencyRows.map((r) => [
    r.name,
    formatNs(r.ours.p50),
    `(${formatNs(r.ours.p25)}-${formatNs(r.ours.p75)})`,
    formatNs(r.map.p50),
    `(${formatNs(r.map.p25)}-${formatNs(r.map.p75)})`,
    formatRatio(r.ratio),
    formatShares(r.ours.cpuShare, r.map.cpuShare),
  ]),
)) print(line);
print();

const throughputRows = await runThroughput(progress);
print(`Cross-thread throughput, million ops/s summed over threads: median (min-max) of ${T.repetitions} runs`);
print('js-map = a JS Map on one worker thread (the baseline); control = the same threads touching no map');
print("scaling = median ops/s at N threads / at 1 thread (the control's is what the machine allowed: the ceiling)");
print('vs js-map = sharemap / js-map ops/s; cpu = CPU time / wall time per worker thread, median (below 100%: off-CPU,');
print('descheduled for other processes or asleep in a lock wait); lock waits = times a thread slept on a bucket lock per run, median');
for (const line of textTable(
  [
    { title: 'workload', align: 'left' },
    { title: 'impl', align: 'left' },
    { title: 'M ops/s', align: 'right' },
    { title: '(min-max)', align: 'left' },
    { title: 'scaling', align: 'right' },
    { title: 'vs js-map', align: 'right' },
    { title: 'cpu', align: 'right' },
    { title: 'lock waits', align: 'right' },
  ],
  throughputRows.map((r) => [
    r.name,
    r.impl,
    formatOps(r.opsPerSecond.median),
    `(${formatOps(r.opsPerSecond.min)}-${formatOps(r.opsPerSecond.max)})`,
    r.scaling === undefined ? '' : formatRatio(r.scaling),
    r.vsJsMap === undefined ? '' : formatRatio(r.vsJsMap),
    percent(r.cpuShareMedian),
    r.lockWaitsMedian === null ? '' : String(r.lockWaitsMedian),
  ]),
)) print(line);
print();

const elapsedSeconds = (performance.now() - started) / 1000;
const resultsUrl = new URL('./results/', import.meta.url);
mkdirSync(resultsUrl, { recursive: true });
const file = new URL('latest.json', resultsUrl);
writeFileSync(file, JSON.stringify({
  environment: env,
  parameters,
  elapsedSeconds,
  latency: latencyRows,
  throughput: throughputRows,
  sink: sinkValue(),
}, null, 2) + '\n');
print(`done in ${elapsedSeconds.toFixed(0)} s; results written to bench/results/latest.json`);
