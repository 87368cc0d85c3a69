// The parameters of one `npm run bench`: the default matrix (about two minutes) or, with
// BENCH_FULL=1, the full one. Every other bench file reads its numbers from here, and run.js
// prints them in the header and writes them to results/latest.json.

export const FULL = process.env.BENCH_FULL === '1';

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

/** Part 2, cross-thread throughput (bench/throughput.js, bench/tasks/throughput.mjs). */
export const throughput = {
  threads: FULL ? [1, 2, 4] : [1, 2],
  repetitions: FULL ? 9 : 5,
  /** Timed window per worker, after its warm-up and the shared start gate, in ms. */
  durationMs: FULL ? 2000 : 1000,
  warmupMs: 200,
  /** Keys each worker precomputes (seeded), walked cyclically. A power of two. */
  sequenceLength: 1 << 20,
  /** Operations between two clock reads in the timed loop. */
  chunkOps: 4096,
  /** Workloads: `read` is 100% get (all hits), `counter` is map.add(key, 1). */
  workloads: [
    { op: 'read', len: 1000 },
    ...(FULL ? [{ op: 'read', len: 65536 }] : []),
    { op: 'read', len: 1_000_000 },
    { op: 'counter', len: 1000 },
  ],
  /** Deadline of one runWorkers call (start-up, a 1M-entry Map build, warm-up, timed window). */
  runTimeoutMs: 120_000,
};
