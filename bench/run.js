// `npm run bench`: prints the header (runtime, machine, date, parameters), runs part 1
// (single-thread latency, bench/latency.js), part 2 (cross-thread throughput against the
// baselines, bench/throughput.js), part 3 (memory after churn, bench/memory.js) and part 4 (the
// cost of a call into Wasm, bench/call-cost.js), prints their
// tables, checks the speed targets against them (bench/targets.js) and writes everything to bench/results/latest.json and the chart (bench/chart.js) to
// bench/results/throughput.svg.
// Progress lines go to stderr, so stdout holds only the header and the tables.
// bench/README.md explains the dimensions, the names and the numbers.

import { mkdirSync, writeFileSync } from 'node:fs';
import { environment } from './environment.js';
import * as config from './config.js';
import { runLatency, sinkValue } from './latency.js';
import { runThroughput } from './throughput.js';
import { runMemory } from './memory.js';
import { runCallCost } from './call-cost.js';
import { throughputSvg } from './chart.js';
import { compareStrategies, strategyTable } from './strategies.js';
import { checkTargets } from './targets.js';
import { formatNs, formatOps, formatRatio, slowSpellNote, textTable } from './report.js';

const started = performance.now();
const progress = (line) => {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${seconds} s] ${line}\n`);
};
const print = (line = '') => process.stdout.write(`${line}\n`);
const percent = (share) => (share === null ? 'n/a' : `${(share * 100).toFixed(0)}%`);
const formatShares = (...shares) => shares.map(percent).join(' / ');

const env = environment();
const parameters = { full: config.FULL, seed: config.SEED, filter: config.FILTER, latency: config.latency,
  throughput: config.throughput, memory: config.memory };

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
  `after ${T.warmupMs} ms warm-up; ${T.workloads.length} workloads` +
  (config.FILTER ? ` (BENCH_FILTER=${config.FILTER}: only names containing it)` : ''));
print();

const latencyRows = await runLatency(progress);
print('Single-thread latency, ns per operation: median (p25-p75) over tinybench samples, each the mean of one batch');
print('ratio = sharemap p50 / Map p50 (above 1: sharemap is slower); cpu = this thread\'s CPU time / wall time while');
print('timing sharemap / Map (below 100%: descheduled for other processes, so that row is suspect). Every part 1 map lives');
print('in this one thread, so its calls into the core are not inlined: part 4 shows the cost (one map per thread: faster)');
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

const { rows: throughputRows, notes: throughputNotes } = await runThroughput(progress);
print(`Cross-thread throughput, million ops/s summed over threads: median (min-max) of ${T.repetitions} runs`);
print('impl: sharemap (ours); js-map = a JS Map on one worker thread; global-lock = a SharedArrayBuffer table behind one');
print('lock (number keys only); postmessage(-batch) = a Map in an owner worker, N clients, 1 (100) op(s) per round trip;');
print('floor = no map: one Wasm call and one load (get) or atomic add (write) at the key\'s own 16 bytes per operation,');
print('the least any map must do (number keys only; bench/baselines/floor.js); control = the same threads touching no map');
print('ns/op/thread = the time one operation took a thread (its timed window / its operations, averaged over the');
print("threads), median of the runs; scaling = median ops/s at N threads / at 1 thread (the control's is what the");
print('machine allowed: the ceiling)');
print('vs js-map = this row / js-map ops/s; cpu = CPU time / wall time per worker thread, median (below 100%: off-CPU,');
print('descheduled or asleep in a lock wait or waiting for a reply); lock waits = sharemap bucket-lock sleeps per run, median;');
print('round trip = ns for a cache line to go to the other core and back, probed before and after each multi-thread run,');
print('median (bench/transfer.js): writes on two threads run as fast as lines move, and on a VM that speed changes');
for (const line of textTable(
  [
    { title: 'task', align: 'left' },
    { title: 'impl', align: 'left' },
    { title: 'M ops/s', align: 'right' },
    { title: '(min-max)', align: 'left' },
    { title: 'ns/op/thread', align: 'right' },
    { title: 'scaling', align: 'right' },
    { title: 'vs js-map', align: 'right' },
    { title: 'cpu', align: 'right' },
    { title: 'lock waits', align: 'right' },
    { title: 'round trip', align: 'right' },
  ],
  throughputRows.map((r) => [
    r.name,
    r.impl,
    formatOps(r.opsPerSecond.median),
    `(${formatOps(r.opsPerSecond.min)}-${formatOps(r.opsPerSecond.max)})`,
    r.nsPerOpMedian === null ? '' : formatNs(r.nsPerOpMedian),
    r.scaling === undefined || !Number.isFinite(r.scaling) ? '' : formatRatio(r.scaling),
    r.vsJsMap === undefined || !Number.isFinite(r.vsJsMap) ? '' : formatRatio(r.vsJsMap),
    percent(r.cpuShareMedian),
    r.lockWaitsMedian === null ? '' : String(r.lockWaitsMedian),
    r.roundTripNsMedian == null ? '' : `${r.roundTripNsMedian.toFixed(0)} ns`,
  ]),
)) print(line);
for (const note of throughputNotes) print(note);
print(slowSpellNote(throughputRows));
const strategyComparison = compareStrategies(throughputRows);
print('');
print('Strategies side by side (README, "Which strategy?"): median M ops/s summed over threads; owned writes');
print('from one thread only (a second writer would throw), so its writing workloads have no 2-thread row');
for (const line of strategyTable(strategyComparison)) print(line);
const problems = throughputRows.filter((r) => r.problems.length > 0);
for (const r of problems) print(`PROBLEM ${r.name} ${r.impl}: ${r.problems.join('; ')}`);
if (problems.length === 0 && throughputRows.some((r) => r.op === 'counter')) {
  print('consistency: every counter run added exactly its operations (checked for sharemap and global-lock)');
}
print();

const memoryRows = await runMemory(progress);
print(`Memory after churn (target 7): ${config.memory.operations} churn operations on one thread, map of ${config.memory.len}`);
print('reserved = shared memory size, used = bytes handed out by the allocator; ratio = after churn / after filling');
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;
for (const line of textTable(
  [
    { title: 'task', align: 'left' },
    { title: 'size filled/churned', align: 'right' },
    { title: 'reserved filled', align: 'right' },
    { title: 'churned', align: 'right' },
    { title: 'ratio', align: 'right' },
    { title: 'used filled', align: 'right' },
    { title: 'churned', align: 'right' },
    { title: 'ratio', align: 'right' },
  ],
  memoryRows.map((m) => [
    m.name,
    `${m.filled.size}/${m.churned.size}`,
    kib(m.filled.memoryReserved),
    kib(m.churned.memoryReserved),
    formatRatio(m.reservedRatio),
    kib(m.filled.memoryUsed),
    kib(m.churned.memoryUsed),
    formatRatio(m.usedRatio),
  ]),
)) print(line);
print();

const callRows = await runCallCost(progress);
print('Call cost (part 4, in a fresh worker thread): ns per call from one JS loop, median (min-max) of 9 passes of 2^20');
print('calls. call/* = a one-load Wasm export (bench/call-cost.js): the price of the call itself, over non-shared and');
print('shared memory, and from a call site that has seen two instances of the module (as in a thread using two maps)');
for (const line of textTable(
  [
    { title: 'case', align: 'left' },
    { title: 'ns/call', align: 'right' },
    { title: '(min-max)', align: 'left' },
  ],
  callRows.map((r) => [r.name, formatNs(r.median), `(${formatNs(r.min)}-${formatNs(r.max)})`]),
)) print(line);
print();

const targets = checkTargets(throughputRows, memoryRows, callRows, env.machine.availableParallelism);
print('Speed targets (bench/README.md): this run against each. Beside a miss, what bounds any map on this machine:');
print("part 2's floor row of the same workload and threads (number keys), else for 1M-entry workloads with uniform keys");
print("part 4's memory floor (miss/shared: one random cache line per operation; for string keys, with the key string built)");
const control = throughputRows.find((r) => r.impl === 'none' && r.threads === 2);
if (control && control.scaling < 1.8) {
  print(`the no-map control scaled only ${formatRatio(control.scaling)} at 2 threads: other processes held a core, so the`);
  print('2-thread checks below say more about the machine than about sharemap');
}
for (const line of textTable(
  [
    { title: '#', align: 'left' },
    { title: 'target', align: 'left' },
    { title: 'measured (M ops/s, medians)', align: 'left' },
    { title: 'met', align: 'left' },
  ],
  targets.map((t) => [t.target, t.what, [t.measured, t.spread, t.bound, t.roundTrip].filter(Boolean).join('; '),
    (t.met === null ? 'n/a' : t.met ? 'yes' : 'NO') + (t.spread ? ' (on the line)' : '')]),
)) print(line);
print();

const chartTitle = `sharemap cross-thread throughput (median of ${T.repetitions} runs), ${env.machine.cores} cores, ` +
  `Node ${env.runtime.node}, ${env.date.slice(0, 10)}`;
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
  throughputNotes,
  strategyComparison,
  memory: memoryRows,
  callCost: callRows,
  targets,
  sink: sinkValue(),
}, null, 2) + '\n');
writeFileSync(new URL('throughput.svg', resultsUrl), throughputSvg(throughputRows, chartTitle));
print(`done in ${elapsedSeconds.toFixed(0)} s; results written to bench/results/latest.json and bench/results/throughput.svg`);
