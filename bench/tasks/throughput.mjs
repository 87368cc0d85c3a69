// One worker's part of a cross-thread throughput run (bench/throughput.js starts it through
// runWorkers). runWorkers' barrier releases the task; then each worker
//   T1  precomputes its key sequence (seeded by args.seed + index; untimed),
//   T2  builds its JS Map if it is the baseline (untimed),
//   T3  runs the workload for args.warmupMs (untimed: JIT and caches),
//   T4  arrives at args.gate and waits for every worker (so T1-T3 never overlap a timed window),
//   T5  runs the workload for args.durationMs and returns { ops, elapsedNs, cpuMs }.
// The sharemap runs use the map the main thread attached (pre-populated there); the js-map
// baseline runs on one thread only, with its own Map filled the same way; the control touches
// no map (see LOOPS.none).
//
// cpuMs is the CPU time this thread got during T5 (Linux only, else null). cpuMs / elapsed well
// below 1 means the thread was off-CPU: descheduled for other processes (the machine is
// shared), or asleep in a lock wait (map.stats().lockWaits tells those apart).

import { indexSequence } from '../keys.js';
import { threadCpuMs } from '../cpu.js';

export default function throughput(map, { index, threads, args }) {
  const { workload, len, impl, seed, sequenceLength, chunkOps, warmupMs, durationMs, gate } = args;
  const keys = indexSequence(len, sequenceLength, seed + index); // T1
  const run = LOOPS[impl][workload];
  const target = impl === 'sharemap' ? map : impl === 'js-map' ? jsMap(workload, len) : undefined; // T2
  run(target, keys, chunkOps, warmupMs); // T3
  arriveAndWait(gate, threads); // T4
  const cpuBefore = threadCpuMs();
  const result = run(target, keys, chunkOps, durationMs); // T5
  const cpuAfter = threadCpuMs();
  return { ...result, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

/** The same contents the main thread put in the shared map (bench/throughput.js). */
function jsMap(workload, len) {
  const map = new Map();
  for (let i = 0; i < len; i++) map.set(i, workload === 'read' ? i : 0);
  return map;
}

/** T4: a one-shot gate over a SharedArrayBuffer counter; the last worker to arrive opens it. */
function arriveAndWait(gate, threads) {
  const arrived = Atomics.add(gate, 0, 1) + 1;
  if (arrived === threads) {
    Atomics.notify(gate, 0);
    return;
  }
  for (let seen = arrived; seen < threads; seen = Atomics.load(gate, 0)) Atomics.wait(gate, 0, seen);
}

// The timed loops, one per implementation and workload so each call site sees one map class.
// Each runs whole chunks of `chunkOps` operations until `durationMs` has passed, reading the clock
// once per chunk. `sink` keeps the results alive; it is returned so it cannot be optimized away.
const LOOPS = {
  // The control: sums this worker's own key array and touches no shared memory, so its scaling
  // is what the machine gives N threads at that moment (1 on a busy machine, up to N on an idle
  // one with N free cores): the ceiling for the map's scaling in the same repetition.
  none: {
    control(_map, keys, chunkOps, durationMs) {
      const mask = keys.length - 1;
      let at = 0;
      let ops = 0;
      let sink = 0;
      const start = performance.now();
      let now = start;
      do {
        for (let j = 0; j < chunkOps; j++) sink = (sink + keys[(at + j) & mask]) | 0;
        at = (at + chunkOps) & mask;
        ops += chunkOps;
        now = performance.now();
      } while (now - start < durationMs);
      return { ops, elapsedNs: (now - start) * 1e6, sink };
    },
  },
  sharemap: {
    read(map, keys, chunkOps, durationMs) {
      const mask = keys.length - 1;
      let at = 0;
      let ops = 0;
      let sink = 0;
      const start = performance.now();
      let now = start;
      do {
        for (let j = 0; j < chunkOps; j++) sink += map.get(keys[(at + j) & mask]);
        at = (at + chunkOps) & mask;
        ops += chunkOps;
        now = performance.now();
      } while (now - start < durationMs);
      return { ops, elapsedNs: (now - start) * 1e6, sink };
    },
    counter(map, keys, chunkOps, durationMs) {
      const mask = keys.length - 1;
      let at = 0;
      let ops = 0;
      let sink = 0;
      const start = performance.now();
      let now = start;
      do {
        for (let j = 0; j < chunkOps; j++) sink += map.add(keys[(at + j) & mask], 1);
        at = (at + chunkOps) & mask;
        ops += chunkOps;
        now = performance.now();
      } while (now - start < durationMs);
      return { ops, elapsedNs: (now - start) * 1e6, sink };
    },
  },
  'js-map': {
    read(map, keys, chunkOps, durationMs) {
      const mask = keys.length - 1;
      let at = 0;
      let ops = 0;
      let sink = 0;
      const start = performance.now();
      let now = start;
      do {
        for (let j = 0; j < chunkOps; j++) sink += map.get(keys[(at + j) & mask]);
        at = (at + chunkOps) & mask;
        ops += chunkOps;
        now = performance.now();
      } while (now - start < durationMs);
      return { ops, elapsedNs: (now - start) * 1e6, sink };
    },
    counter(map, keys, chunkOps, durationMs) {
      const mask = keys.length - 1;
      let at = 0;
      let ops = 0;
      let sink = 0;
      const start = performance.now();
      let now = start;
      do {
        for (let j = 0; j < chunkOps; j++) {
          const k = keys[(at + j) & mask];
          const next = (map.get(k) ?? 0) + 1;
          map.set(k, next);
          sink += next;
        }
        at = (at + chunkOps) & mask;
        ops += chunkOps;
        now = performance.now();
      } while (now - start < durationMs);
      return { ops, elapsedNs: (now - start) * 1e6, sink };
    },
  },
};
