// The page's benchmark run, on the main thread: create and fill the shared map, then run the JS
// Map baseline on one worker and sharemap on 1..T workers, one phase at a time (protocol.js
// gives the steps P1-P7 of a phase). Knows nothing about the DOM: app.js shows what it reports.
//
// Roles: the main thread never blocks. It fills the map in short slices between frames (so the
// stats panel keeps refreshing while the map grows), opens the start barrier with a store and a
// notify, and learns everything else from messages and the polled control array.

import { keyOf } from '/bench/workloads.js';
import {
  CHUNKS_INDEX, CHUNK_OPS, CONTROL_WORDS, ERROR, JS_MAP, READY, RESULT, SHAREMAP,
  STATE_CLOSED, STATE_INDEX, STATE_OPEN, STATE_STOP, WARMUP_MS,
} from './protocol.js';
import { formatCount, formatRate, implName, phaseName } from './format.js';

const WORKER_URL = new URL('./bench-worker.js', import.meta.url);

/** Time a phase may take beyond its timed window: start-up, filling a 1M-entry Map, warm-up. */
const SETUP_ALLOWANCE_MS = 30_000;
/** After a stop, how long workers get to leave their loop and close the map before termination. */
const STOP_GRACE_MS = 1_000;
/** Longest main-thread slice of the fill before it yields a frame to the page. */
const FILL_SLICE_MS = 12;

/**
 * Runs the whole benchmark. `hooks`: log(text) for the run log, map(map) once the map exists
 * (the page reads its stats), filled(entries, len) after each slice of the fill, phase(view) as
 * each phase starts (see runPhase), result(result) as each one ends. Resolves with
 * { baseline, phases }; each phase result is { impl, threads, opsPerSec, perThread }. Rejects
 * with signal.reason once `signal` aborts. The caller closes the map hooks.map gave it, however
 * the run ends (by then every worker has closed its own attachment or been terminated).
 */
export async function runBenchmark({ ConcurrentMap, workload, threadCounts, durationMs, presize, signal, hooks }) {
  const map = await ConcurrentMap.create({
    key: workload.key,
    value: 'number',
    // Without it the map starts small and grows while it fills: the stats panel shows each growth.
    initialCapacity: presize ? workload.len : undefined,
  });
  hooks.map(map);
  await fill(map, workload, signal, hooks);
  const phase = async (impl, threads) => {
    const handle = impl === SHAREMAP ? map.handle : undefined;
    const result = await runPhase({ impl, threads, workload, durationMs, handle, signal, hooks });
    hooks.result(result);
    return result;
  };
  const baseline = await phase(JS_MAP, 1);
  const phases = [];
  for (const threads of threadCounts) phases.push(await phase(SHAREMAP, threads));
  return { baseline, phases };
}

/** Keys [0, len) with value i for key i (bench/workloads.js populate), a slice per frame. */
async function fill(map, { key, len }, signal, { log, filled }) {
  const started = performance.now();
  let lastB = map.stats().B;
  let i = 0;
  while (i < len) {
    const sliceEnd = performance.now() + FILL_SLICE_MS;
    // Check the clock every 1024 sets, not every set.
    while (i < len && (i & 1023 || performance.now() < sliceEnd)) {
      map.set(keyOf(key, i), i);
      i++;
    }
    const { B } = map.stats();
    if (B !== lastB) log(`filling: grew to B = ${B} (${2 ** B} buckets) at ${formatCount(i)} entries`);
    lastB = B;
    filled(i, len);
    await nextFrame(signal);
  }
  // Growth moves old buckets a few per write. Should the fill end mid-growth, rewrite entries
  // (same key, same value) until it is done, so no timed phase starts with half-moved buckets.
  let rewrites = 0;
  for (; map.stats().growing && rewrites < len; rewrites++) map.set(keyOf(key, rewrites), rewrites);
  log(`filled ${formatCount(len)} entries in ${Math.round(performance.now() - started)} ms` +
    (rewrites ? `; ${rewrites} rewrites finished the last growth` : ''));
}

/** Resolves at the next opportunity to render (rejects if `signal` aborted). */
function nextFrame(signal) {
  signal.throwIfAborted();
  // setTimeout, not requestAnimationFrame: rAF stops in a background tab, and the run must not.
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * One phase (P1-P7 in protocol.js): `threads` workers running `impl` for `durationMs`. Before the
 * start barrier opens, hooks.phase receives { impl, threads, control, openedAt } and keeps it for
 * polling; openedAt (performance.now()) is set at P4. Resolves with the workers' own timings.
 */
function runPhase({ impl, threads, workload, durationMs, handle, signal, hooks }) {
  signal.throwIfAborted();
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS(threads) * Int32Array.BYTES_PER_ELEMENT));
  Atomics.store(control, STATE_INDEX, STATE_CLOSED); // P1
  const view = { impl, threads, control, openedAt: undefined };
  hooks.phase(view);
  hooks.log(`${phaseName(impl, threads)}: starting`);

  return new Promise((resolve, reject) => {
    const workers = [];
    const results = new Array(threads);
    let ready = 0;
    let done = 0;
    let settled = false;
    const timers = [];

    // P7: every way out terminates every worker first, so none outlives its phase.
    const settle = (finish) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal.removeEventListener('abort', onAbort);
      for (const worker of workers) worker.terminate();
      finish();
    };
    const fail = (message) => settle(() => reject(new Error(message)));
    const onAbort = () => {
      // Ask the workers to leave their loops and close the map; terminate them if they take longer.
      Atomics.store(control, STATE_INDEX, STATE_STOP);
      Atomics.notify(control, STATE_INDEX);
      timers.push(setTimeout(() => settle(() => reject(signal.reason)), STOP_GRACE_MS));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const deadlineMs = SETUP_ALLOWANCE_MS + WARMUP_MS + durationMs;
    timers.push(setTimeout(() => fail(`${phaseName(impl, threads)} did not finish within ` +
      `${deadlineMs / 1000} s (${ready} of ${threads} workers got ready, ${done} finished); every worker was terminated`),
    deadlineMs));

    const onMessage = (index, message) => {
      if (message.kind === READY && ++ready === threads) {
        view.openedAt = performance.now();
        Atomics.store(control, STATE_INDEX, STATE_OPEN); // P4
        Atomics.notify(control, STATE_INDEX);
      } else if (message.kind === RESULT) {
        results[index] = message;
        if (++done < threads) return;
        // A stop ends the loops early: those partial figures are not a result.
        if (signal.aborted) return settle(() => reject(signal.reason));
        const perThread = results.map(({ ops, elapsedMs }) => (ops / elapsedMs) * 1e3);
        const opsPerSec = perThread.reduce((a, b) => a + b, 0);
        hooks.log(`${phaseName(impl, threads)}: ${formatRate(opsPerSec)} ops/s`);
        settle(() => resolve({ impl, threads, opsPerSec, perThread }));
      } else if (message.kind === ERROR) {
        fail(`worker ${index} (${implName(impl)}) failed: ${message.message}`);
      }
    };

    for (let index = 0; index < threads; index++) {
      const worker = new Worker(WORKER_URL, { type: 'module', name: `${impl} worker ${index}` });
      workers.push(worker);
      worker.addEventListener('message', (event) => onMessage(index, event.data));
      worker.addEventListener('messageerror', () => fail(`worker ${index}: a message could not be deserialized`));
      worker.addEventListener('error', (event) => {
        event.preventDefault();
        // A module worker whose imports fail gets a bare Event with no message.
        fail(`worker ${index} (${implName(impl)}): ${event.message || 'its script or one of its imports failed to load ' +
          '(is dist/browser/sharemap.js built? run npm run build)'}`);
      });
      try {
        worker.postMessage({ impl, handle, workload, index, threads, durationMs, control }); // P1
      } catch (error) {
        fail(`could not send the map to worker ${index}: ${error.message}`);
        return;
      }
    }
  });
}

/** Operations each worker of a phase has done in its timed window so far (P5 progress). */
export function opsDone(view) {
  return Array.from({ length: view.threads }, (_, i) => Atomics.load(view.control, CHUNKS_INDEX + i) * CHUNK_OPS);
}
