// Test 6: the bucket lock under the harshest contention: one key, every thread, lockSpins 0.
// Node 20's Liftoff tier miscompiles the in-Wasm wait (../../../shared/TOOLCHAIN.md); a lock
// that loses mutual exclusion shows here as a short sum. lockWaits is reported, not asserted:
// whether a thread ever sleeps depends on scheduling. Since `add` of a present key is a CAS with
// no lock (assembly/README.md, C1–C6), its case holds that CAS loop to an exact sum on the
// hottest key there is, and only `update` (compare-and-set, under the lock) stresses the lock.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, task } from './harness.js';
import { sharedWords } from './tasks/common.mjs';

const OPS = 200_000;

describe.each(THREAD_COUNTS)('lock stress with lockSpins 0 and %i threads', (threads) => {
  it.each(['add', 'update'] as const)('%s on one key: the sum is exact', async (mode) => {
    const ops = mode === 'add' ? OPS : OPS / 4;
    const map = await debugMap({ key: 'number', value: 'number', lockSpins: 0 });
    // The threads meet at a barrier every 10,000 operations (tasks/lock-stress.mjs), so they
    // overlap however the OS schedules them.
    const words = sharedWords(2);
    await runWorkers({
      task: task('lock-stress'), threads, map, args: { key: 7, ops, mode, words, roundOps: 10_000 }, timeoutMs: RUN_TIMEOUT_MS,
    });

    expect(map.get(7)).toBe(threads * ops);
    expect(map.size).toBe(1);
    expect(checkInvariants(map)).toBe(0);
    const { lockWaits, lockSpins } = map.stats();
    expect(lockSpins, 'lockSpins 0: no thread may spin').toBe(0);
    console.info(`lock stress ${mode} ${threads} threads: lockWaits ${lockWaits}`);
  });
});
