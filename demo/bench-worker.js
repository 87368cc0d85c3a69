// One benchmark worker of the demo page: steps P2-P6 of the phase protocol in protocol.js. It
// attaches the page's map by its handle (or, for the JS Map baseline, fills a Map of its own the
// same way), walks the Node harness's seeded operation sequence (bench/workloads.js) and reports
// its progress through the shared control array. The loop mirrors bench/tasks/throughput.mjs, so
// the page's figures are comparable with `npm run bench`: same sequences, same value written by
// set, string keys built fresh at every operation, the clock read once per chunk.
//
// Roles: this thread may block (P3 waits at the start barrier); it writes only its own chunk
// counter in the control array.

import { ConcurrentMap } from '/dist/browser/sharemap.js';
import { JsMapTarget, populate, runOperations, sequence } from '/bench/workloads.js';
import {
  CHUNKS_INDEX, CHUNK_OPS, ERROR, JS_MAP, READY, RESULT, SEED, SEQUENCE_LENGTH, SHAREMAP,
  STATE_CLOSED, STATE_INDEX, STATE_STOP, WARMUP_MS,
} from './protocol.js';

self.addEventListener('message', (event) => void serve(event.data), { once: true });

async function serve(init) {
  let target;
  try {
    target = open(init); // P2
    const { ops, keys } = sequence(init.workload, SEQUENCE_LENGTH, SEED + init.index);
    const strings = init.workload.key === 'string';
    // P2: untimed; progress goes nowhere (a private counter) and the stop flag still applies.
    run(target, ops, keys, strings, WARMUP_MS, new Int32Array(1), 0, init.control);
    self.postMessage({ kind: READY });
    waitForOpen(init.control); // P3
    const result = run(target, ops, keys, strings, init.durationMs, init.control, CHUNKS_INDEX + init.index, init.control); // P5
    target.close(); // P6, before reporting: the page terminates this worker once it has the result
    target = undefined;
    self.postMessage({ kind: RESULT, ...result });
  } catch (error) {
    try {
      target?.close();
    } catch {
      // The original error is the one worth reporting.
    }
    self.postMessage({ kind: ERROR, message: error?.message ?? String(error), stack: error?.stack });
  }
}

/** The map this worker runs against: get, set, delete, add(key, delta), close. */
function open({ impl, handle, workload }) {
  if (impl === SHAREMAP) return ConcurrentMap.attach(handle);
  if (impl === JS_MAP) {
    const target = new JsMapTarget();
    populate((k, v) => target.map.set(k, v), workload);
    return target;
  }
  throw new Error(`unknown implementation ${impl}`);
}

function waitForOpen(control) {
  // Tests the value, not the wake-up: a notify that came before this wait is not missed. STOP
  // also releases the barrier; the timed loop then ends after its first chunk.
  while (Atomics.load(control, STATE_INDEX) === STATE_CLOSED) {
    Atomics.wait(control, STATE_INDEX, STATE_CLOSED);
  }
}

/**
 * Whole chunks of CHUNK_OPS operations until `durationMs` has passed or the page says stop; after
 * each chunk, the chunk count goes to progress[slot]. `sink` keeps every result alive so no
 * operation is dead code. The operations are bench/workloads.js runOperations, as in `npm run bench`.
 */
function run(target, ops, keys, strings, durationMs, progress, slot, control) {
  const mask = keys.length - 1;
  let at = 0;
  let chunks = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  do {
    sink += runOperations(target, ops, keys, strings, at, CHUNK_OPS);
    at = (at + CHUNK_OPS) & mask;
    Atomics.store(progress, slot, ++chunks);
    now = performance.now();
  } while (now - start < durationMs && Atomics.load(control, STATE_INDEX) !== STATE_STOP);
  return { ops: chunks * CHUNK_OPS, elapsedMs: now - start, sink };
}
