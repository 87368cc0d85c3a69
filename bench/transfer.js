// The line round trip: how long one cache line takes to go from one core to the other and back,
// probed before and after every multi-thread run of part 2 (bench/throughput.js).
//
// Why: a write on two threads pays for the bucket lines it pulls from the other core's cache
// (assembly/README.md, "Cost model"), so two-thread writes run as fast as lines move. On a
// virtual machine that speed is not fixed: which physical cores run the two vCPUs changes while
// the machine runs. Measured here (2 vCPUs, AMD EPYC), in one process and on one map, `balanced`
// on 1K entries at two threads ran at 47-50 M ops/s in the spells whose round trip was 95-170 ns,
// and at 18-24 M ops/s in those whose round trip was 355-405 ns, switching back and forth within a
// minute. The round trip beside each row says which spell its runs fell in, and a run in a slow
// spell is made again (runOutsideSlowSpells, below).
//
// Two worker threads (bench/tasks/transfer.mjs) pass one Atomics word back and forth; a burst of
// ROUNDS rounds is timed by both, and a probe is the fastest of BURSTS bursts (the others may have
// been descheduled). The two workers live as long as part 2 and sleep between probes.

import { Worker } from 'node:worker_threads';
import { quantile } from './report.js';

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

// ── Slow spells ────────────────────────────────────────────────────────────────────────────────
// The probes of this machine fall in two groups with nothing between: over 2,076 probes of earlier
// bench runs, 88% at 50-175 ns and 12% at 300-385 ns. A run in a slow spell measures where the
// hypervisor put the vCPUs more than the code: in one run of part 2, `counter` on two threads gave
// sharemap 45.0 M ops/s with its probes at 103-105 ns, and 17.7 and 18.2 with them at 325-337
// ns; the floor gave 96.6 and 32.3 likewise. Its median then compared one spell against another
// (the floor's and the baselines' runs fell in other spells), and a verdict could flip. So every
// multi-thread run waits out a slow spell before it starts and is run again if one closes it.

/** A probe over this many times the lower quartile of the probes so far is in a slow spell. */
export const SLOW_SPELL_FACTOR = 2;
/** Probes seen before any is called slow (runThroughput takes this many at the start). */
export const SPELL_CALIBRATION = 5;

/**
 * Judges probes against those before them. `slow(ns)` records `ns` (one probe on each side of
 * a run) and says whether it is in a slow spell; `isSlow(ns)` says so without recording, for the
 * probes that poll a spell while waiting, which would otherwise soon make a slow spell the norm.
 * The lower quartile is the fast spell's as long as fast spells hold a quarter of the recorded
 * probes, so a start in a slow spell corrects itself once fast probes come, and a machine slow
 * for good becomes the norm.
 */
export function spellJudge() {
  const seen = [];
  const isSlow = (ns) => ns !== null && seen.length >= SPELL_CALIBRATION &&
    ns > SLOW_SPELL_FACTOR * quantile([...seen].sort((a, b) => a - b), 0.25);
  return {
    isSlow,
    slow(ns) {
      const slow = isSlow(ns);
      if (ns !== null) seen.push(ns);
      return slow;
    },
  };
}

/**
 * One run outside slow spells, as far as one can be had: probes, waits while the probe is slow
 * (polling every `pollMs`, at most `waitMs`), runs `attempt()`, probes again, and runs again if
 * either probe was slow, at most `reruns` more times. Waits and runs made again draw on
 * `budget.ms`, shared by every run of the bench: once it is spent, runs are kept as they come.
 * The result is the last attempt's, with `roundTripNs` [before, after], `reruns` (attempts beyond
 * the first) and `slowSpell` (true when the kept run still had a slow probe).
 */
export async function runOutsideSlowSpells(attempt, probe, judge, { waitMs, pollMs, reruns, sleep, budget }) {
  for (let tries = 0; ; tries++) {
    let before = await probe.roundTripNs();
    let slowBefore = judge.slow(before);
    for (let waited = 0; slowBefore && waited < waitMs && budget.ms > 0; waited += pollMs) {
      await sleep(pollMs);
      budget.ms -= pollMs;
      before = await probe.roundTripNs();
      slowBefore = judge.isSlow(before);
    }
    const started = Date.now();
    const run = await attempt();
    const after = await probe.roundTripNs();
    const slowAfter = judge.slow(after);
    const slow = slowBefore || slowAfter;
    if (!slow || tries >= reruns || budget.ms <= 0) {
      return { ...run, roundTripNs: [before, after], reruns: tries, slowSpell: slow };
    }
    budget.ms -= Date.now() - started;
  }
}
