// The line round trip: how long one cache line takes to go from one core to the other and back,
// probed before and after every multi-thread run of part 2 (bench/throughput.js).
//
// Why: a write on two threads pays for the bucket lines it pulls from the other core's cache
// (assembly/README.md, "Cost model"), so two-thread writes run as fast as lines move. On a
// virtual machine that speed is not fixed: which physical cores run the two vCPUs changes while
// the machine runs. Measured here (2 vCPUs, AMD EPYC), in one process and on one map, `balanced`
// on 1K entries at two threads ran at 47-50 M ops/s in the spells whose round trip was 95-170 ns,
// and at 18-24 M ops/s in those whose round trip was 355-405 ns, switching back and forth within a
// minute. The round trip beside each row says which spell a run fell in.
//
// Two worker threads (bench/tasks/transfer.mjs) pass one Atomics word back and forth; a burst of
// ROUNDS rounds is timed by both, and a probe is the fastest of BURSTS bursts (the others may have
// been descheduled). The two workers live as long as part 2 and sleep between probes.

import { Worker } from 'node:worker_threads';

const TASK = new URL('./tasks/transfer.mjs', import.meta.url);
const ROUNDS = 10_000;
const BURSTS = 3;
/** A burst takes a few ms; far longer means a side is stuck (or gone), and the probe gives up. */
const BURST_TIMEOUT_MS = 5_000;
// Int32 indices of the two words, a cache line apart so the barrier does not disturb TURN.
const TURN = 0;
const ARRIVED = 16;

/** The next message of `worker`, or its error; neither listener outlives the reply. */
function reply(worker) {
  return new Promise((resolve, reject) => {
    const onError = (error) => {
      worker.off('message', onMessage);
      reject(error);
    };
    const onMessage = (ns) => {
      worker.off('error', onError);
      resolve(ns);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

/**
 * Starts the probe's two workers. `roundTripNs()` resolves with the probe's ns per round trip,
 * or null once the probe has failed (a worker died or a burst timed out; both are then ended);
 * `close()` ends both workers.
 */
export function startTransferProbe() {
  const buffer = new SharedArrayBuffer(2 * ARRIVED * Int32Array.BYTES_PER_ELEMENT);
  const words = new Int32Array(buffer);
  const workers = [0, 1].map((side) => new Worker(TASK, { workerData: { buffer, side, TURN, ARRIVED } }));
  let failed = false;
  const close = () => Promise.all(workers.map((w) => w.terminate()));

  function burst() {
    Atomics.store(words, TURN, 0);
    Atomics.store(words, ARRIVED, 0);
    let timer;
    const replies = workers.map(reply);
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('transfer probe: a burst timed out')), BURST_TIMEOUT_MS);
    });
    for (const w of workers) w.postMessage(ROUNDS);
    return Promise.race([Promise.all(replies), deadline]).finally(() => clearTimeout(timer));
  }

  async function roundTripNs() {
    if (failed) return null;
    try {
      let best = Infinity;
      for (let b = 0; b < BURSTS; b++) best = Math.min(best, Math.max(...(await burst())) / ROUNDS);
      return best;
    } catch {
      failed = true;
      await close();
      return null;
    }
  }

  return { roundTripNs, close };
}
