// What the page's main thread (runner.js) and its benchmark workers (bench-worker.js) agree on:
// the control words they share, the messages they send, and the run's fixed parameters. Defined
// here once so the two sides cannot drift.
//
// One phase (one implementation at one thread count) goes:
//   P1 main    zero a control array, spawn N module workers, post each its InitMessage.
//   P2 worker  attach the map by its handle (or fill its own JS Map), build its seeded operation
//              sequence, run it for WARMUP_MS untimed (JIT, caches), then post 'ready'.
//   P3 worker  Atomics.wait on the state word while it reads STATE_CLOSED.
//   P4 main    after N 'ready': store STATE_OPEN and notify. No timed window starts before every
//              worker has finished P2, so set-up never overlaps another thread's measurement.
//   P5 worker  run the sequence for the phase's duration; after every chunk of CHUNK_OPS,
//              store its chunk count (the page polls these for live throughput) and stop early
//              if the state word reads STATE_STOP.
//   P6 worker  close the map, then post 'result' (or 'error' at any step).
//   P7 main    after N results, an error, a stop or the deadline: terminate every worker.
// The main thread never waits (browsers forbid it there): it only stores, notifies and polls.

// ╒══════════ control: an Int32Array over a SharedArrayBuffer, CONTROL_WORDS(N) long ══════════╕
// │ index      value                            written by            read by                 │
// │ 0          STATE_CLOSED / _OPEN / _STOP     main (store+notify)   workers, P3 and P5      │
// │ 1 + i      chunks of CHUNK_OPS done, timed  worker i, P5          main, every frame       │
// ╘════════════════════════════════════════════════════════════════════════════════════════════╛
// Chunks rather than operations, so an Int32 never overflows (2^31 chunks is 2^43 operations).
export const STATE_INDEX = 0;
export const CHUNKS_INDEX = STATE_INDEX + 1;
export const CONTROL_WORDS = (threads) => CHUNKS_INDEX + threads;

export const STATE_CLOSED = 0;
export const STATE_OPEN = 1;
export const STATE_STOP = 2;

/** Operations between two clock reads and progress stores (bench/config.js uses the same). */
export const CHUNK_OPS = 4096;
/** Length of each worker's precomputed sequence, walked cyclically (as bench/config.js). */
export const SEQUENCE_LENGTH = 1 << 20;
/** Untimed run before the start barrier, as the Node harness does. */
export const WARMUP_MS = 200;
/** The Node harness's seed (bench/config.js SEED): worker i uses SEED + i in both. */
export const SEED = 0x5eed;

/** The implementations a phase can run. */
export const SHAREMAP = 'sharemap';
export const JS_MAP = 'js-map';

/**
 * P1, the one message a worker gets:
 * { impl, handle (sharemap only), workload: { op, key, dist, len }, index, threads, durationMs,
 *   control: Int32Array }.
 * Then the worker sends, P2 and P6:
 */
export const READY = 'ready';
/** { kind: RESULT, ops, elapsedMs, sink }: its timed operations and window. */
export const RESULT = 'result';
/** { kind: ERROR, message, stack }. */
export const ERROR = 'error';
