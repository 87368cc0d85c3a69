// One worker's part of a cross-thread throughput run for the implementations that workers reach
// directly (bench/throughput.js starts it through runWorkers; the postMessage baselines have their
// own tasks, postmessage-*.mjs). runWorkers' barrier releases the task; then each worker
//   T1  precomputes its operation sequence (bench/workloads.js, seeded by args.seed + index),
//   T2  opens its target: the attached shared map, its own JS Map filled like the shared one,
//       the global-lock table over args.buffer, the floor over args.memory, or lmdb (untimed),
//   T3  runs the workload for args.warmupMs (untimed: JIT and caches),
//   T4  arrives at args.gate and waits for every worker (so T1-T3 never overlap a timed window),
//   T5  runs the workload for args.durationMs and returns { ops, elapsedNs, cpuMs, sink } and
//       warmupOps (the operations of T3, for the main thread's consistency checks).
// The control (impl 'none') touches no map: it sums its own key array.
//
// cpuMs is the CPU time this thread got during T5 (Linux only, else null). cpuMs / elapsed well
// below 1 means the thread was off-CPU: descheduled for other processes (the machine is
// shared), or asleep in a lock wait.

import { threadCpuMs } from '../cpu.js';
import { JsMapTarget, populate, runOperations, sequence } from '../workloads.js';
import { arriveAndWait } from '../gate.js';
import { GlobalLockTable } from '../baselines/global-lock-table.js';
import { FloorTarget } from '../baselines/floor.js';

export default async function throughput(map, { index, threads, args }) {
  const { workload, impl, seed, sequenceLength, chunkOps, warmupMs, durationMs, gate } = args;
  // The control has no workload of its own; it sums the keys of a read sequence.
  const { ops, keys } = sequence(impl === 'none' ? { ...workload, op: 'read' } : workload, sequenceLength, seed + index); // T1
  const target = await open(impl, map, args); // T2
  const run = impl === 'none' ? control : workloadLoop;
  const strings = workload.key === 'string';
  const warmup = run(target, ops, keys, strings, chunkOps, warmupMs); // T3
  arriveAndWait(gate, threads); // T4
  const cpuBefore = threadCpuMs();
  const result = run(target, ops, keys, strings, chunkOps, durationMs); // T5
  const cpuAfter = threadCpuMs();
  target?.close?.();
  return { ...result, warmupOps: warmup.ops, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

/** T2: each target has get, set, delete and add(key, delta) returning the new value. */
async function open(impl, map, args) {
  switch (impl) {
    case 'sharemap':
    case 'sharemap-owned':
    case 'sharemap-rwlock':
    case 'sharemap-sharded':
    case 'sharemap-read-mostly':
      return map;
    case 'js-map': {
      const m = new JsMapTarget();
      populate((k, v) => m.map.set(k, v), args.workload);
      return m;
    }
    case 'global-lock':
      return new GlobalLockTable(args.buffer);
    case 'floor':
      return new FloorTarget(args.memory);
    case 'lmdb': {
      const { lmdbTarget } = await import('../baselines/lmdb.js');
      return lmdbTarget(args.lmdbPath);
    }
    case 'none':
      return undefined;
    default:
      throw new Error(`unknown impl ${impl}`);
  }
}

// The timed loops. Each runs whole chunks of `chunkOps` operations until `durationMs` has
// passed, reading the clock once per chunk. A worker runs one implementation only, so every call
// site below sees one target class. String keys are built fresh for every operation, as a
// program looking up computed keys does; that cost is measured for every implementation.
// `sink` keeps the results alive and is returned so nothing is dead code.

function workloadLoop(target, ops, keys, strings, chunkOps, durationMs) {
  const mask = keys.length - 1;
  let at = 0;
  let done = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  do {
    sink += runOperations(target, ops, keys, strings, at, chunkOps);
    at = (at + chunkOps) & mask;
    done += chunkOps;
    now = performance.now();
  } while (now - start < durationMs);
  return { ops: done, elapsedNs: (now - start) * 1e6, sink };
}

// The control: sums this worker's own key array and touches no shared memory, so its scaling is
// what the machine gives N threads at that moment (1 on a busy machine, up to N on an idle one
// with N free cores): the ceiling for the others' scaling in the same repetition.
function control(_target, _ops, keys, _strings, chunkOps, durationMs) {
  const mask = keys.length - 1;
  let at = 0;
  let done = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  do {
    for (let j = 0; j < chunkOps; j++) sink = (sink + keys[(at + j) & mask]) | 0;
    at = (at + chunkOps) & mask;
    done += chunkOps;
    now = performance.now();
  } while (now - start < durationMs);
  return { ops: done, elapsedNs: (now - start) * 1e6, sink };
}
