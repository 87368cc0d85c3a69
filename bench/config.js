// The parameters of one `npm run bench`: the default matrix (about 7 minutes) or, with
// BENCH_FULL=1, the full one. Every other bench file reads its numbers from here, and run.js
// prints them in the header and writes them to results/latest.json.

import { availableParallelism } from 'node:os';

export const FULL = process.env.BENCH_FULL === '1';

/**
 * Thread counts of the full matrix: 1, 2, 4, then doubling up to the core count, and the core
 * count itself (so a 6-core machine runs 1, 2, 4, 6 and a 16-core one 1, 2, 4, 8, 16).
 */
function fullThreadCounts(cores = availableParallelism()) {
  const counts = [1, 2, 4];
  for (let n = 8; n <= cores; n *= 2) counts.push(n);
  if (cores > 4 && !counts.includes(cores)) counts.push(cores);
  return counts;
}

/** Seed of every key sequence, so runs (and ours vs Map) see the same keys in the same order. */
export const SEED = 0x5eed;

/** Part 1, single-thread latency (bench/latency.js). */
export const latency = {
  /** Operations per tinybench iteration; each sample is (batch time) / batchOps. */
  batchOps: 1024,
  /** Length of the precomputed random index array the batches walk through. */
  indexLength: 1 << 20,
  /** Timed ms per case and map, split into `rounds` tinybench runs (see bench/latency.js). */
  timeMs: FULL ? 2000 : 1000,
  rounds: FULL ? 8 : 4,
  /** tinybench warm-up per case and map, in ms, before the first round. */
  warmupMs: FULL ? 500 : 250,
  /** Table sizes of the get/hit tasks (the mutation tasks always use 1000). */
  getLens: FULL ? [1000, 65536, 1_000_000] : [1000, 1_000_000],
};

/** Every workload of the full matrix: op x key kind x distribution x size (bench/workloads.js). */
function fullMatrix() {
  const all = [];
  for (const op of ['read', 'read-heavy', 'balanced', 'churn', 'counter']) {
    for (const key of ['number', 'string']) {
      for (const dist of ['uniform', 'zipf']) {
        for (const len of [1000, 1_000_000]) all.push({ op, key, dist, len });
      }
    }
  }
  return all;
}

/** The default matrix: small enough for CI; BENCH_FULL=1 runs fullMatrix(). */
const DEFAULT_WORKLOADS = [
  { op: 'read', key: 'number', dist: 'uniform', len: 1000 },
  { op: 'read', key: 'number', dist: 'uniform', len: 1_000_000 },
  { op: 'read', key: 'string', dist: 'uniform', len: 1_000_000 },
  { op: 'balanced', key: 'number', dist: 'uniform', len: 1000 },
  { op: 'churn', key: 'number', dist: 'zipf', len: 1_000_000 },
  { op: 'counter', key: 'number', dist: 'uniform', len: 1000 },
];

/**
 * BENCH_FILTER=text keeps only the part 2 workloads whose name (bench/workloads.js workloadName)
 * contains it, e.g. BENCH_FILTER=churn or BENCH_FILTER=key=string.
 */
export const FILTER = process.env.BENCH_FILTER ?? '';

/** Part 2, cross-thread throughput (bench/throughput.js, bench/tasks/throughput.mjs). */
export const throughput = {
  threads: FULL ? fullThreadCounts() : [1, 2],
  repetitions: FULL ? 5 : 3,
  /** Timed window per worker, after its warm-up and the shared start gate, in ms. */
  durationMs: FULL ? 1000 : 500,
  warmupMs: 200,
  /** Operations each worker precomputes (seeded), walked cyclically. A power of two. */
  sequenceLength: 1 << 20,
  /** Operations between two clock reads in the timed loop (postMessage: see postMessageChunkOps). */
  chunkOps: 4096,
  /** The same for the postMessage clients, whose operations take microseconds. */
  postMessageChunkOps: 100,
  /**
   * Implementations beside sharemap; lmdb runs only if it is installed (bench/baselines/lmdb.js).
   * 'floor' is no map but the least any map's operation must do (bench/baselines/floor.js).
   */
  baselines: ['js-map', 'global-lock', 'postmessage', 'postmessage-batch', 'lmdb', 'floor'],
  /**
   * sharemap's other strategies (README, Strategies), each a map of its own filled alike; impl
   * 'sharemap' is the default strategy, 'concurrent'. 'owned' runs writing workloads on one
   * thread only: a second writer would throw, by design.
   */
  strategies: ['owned', 'rwlock', 'sharded', 'read-mostly'],
  workloads: FULL ? fullMatrix() : DEFAULT_WORKLOADS,
  /** Deadline of one run (start-up, a 1M-entry Map build, warm-up, timed window). */
  runTimeoutMs: 120_000,
  /**
   * Slow spells of the line round trip (bench/transfer.js): before a multi-thread run but the
   * control's (throughput.js spellBound), wait up to waitMs for one to pass, probing every
   * pollMs; run again, at most `reruns` times, a run that a slow probe closed. Waits and runs
   * made again stop once budgetMs is spent over the whole of part 2. Spells seen here lasted
   * from a few seconds to about 20.
   */
  slowSpells: { waitMs: 20_000, pollMs: 250, reruns: 2, budgetMs: FULL ? 600_000 : 120_000 },
};

/** The memory check (bench/memory.js): churn on a small map, one thread. */
export const memory = {
  len: 1000,
  operations: 1_000_000,
};
