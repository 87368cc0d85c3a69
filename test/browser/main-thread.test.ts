// A writer on the page's main thread contending with Web Workers for the same bucket locks. The
// main thread may not block: Chromium throws on Atomics.wait there, so a core that slept on a
// contended lock from the main thread would fail these tests with a TypeError, and a core whose
// spinning lost mutual exclusion would lose adds. The workers keep adding until the page's loop
// is over, and the page keeps adding until each worker has made 1,000 adds entirely inside its
// loop, so the overlap is made sure of, not assumed.

import { expect, it } from 'vitest';
import { RUN_TIMEOUT_MS, TEST_TIMEOUT_MS, callFixture, describeInChromium } from './harness.js';

const MAIN_THREAD = '/test/browser/fixtures/main-thread.mjs';

interface Contention {
  values: number[];
  pageAdded: number[];
  workers: { added: number[]; overlapped: number }[];
  timedOut: boolean;
  lockSpins: number;
  lockWaits: number;
}

function expectExactSums(out: Contention): void {
  expect(out.timedOut, `the page's loop reached its deadline before every worker overlapped it (and, where asked, before a lock collision): overlapped ${JSON.stringify(out.workers.map((w) => w.overlapped))}, lock waits ${out.lockWaits}`).toBe(false);
  const sums = [...out.pageAdded];
  for (const { added } of out.workers) added.forEach((n, key) => { sums[key] += n; });
  expect(out.values).toEqual(sums);
}

describeInChromium('a main-thread writer contending with workers, in Chromium', (session) => {
  it('page and one worker on 2 keys with lockSpins 0: the page spins instead of waiting, sums exact', async () => {
    const page = await session.open();
    // lockSpins 0: every failed first CAS goes straight to the slow path, where a worker sleeps.
    const out = await callFixture<Contention>(page, MAIN_THREAD, 'pageContendsWithWorkers',
      { threads: 1, keys: 2, pageAdds: 200_000, lockSpins: 0, minLockWaits: 1, timeoutMs: RUN_TIMEOUT_MS });
    expectExactSums(out);
    // With two threads, every slow-path entry is the page and the worker colliding.
    expect(out.lockWaits, 'the page and the worker never collided on a lock').toBeGreaterThan(0);
    expect(session.pageErrors).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it('page and 3 workers on 4 keys with the default spins: sums exact', async () => {
    const page = await session.open();
    const out = await callFixture<Contention>(page, MAIN_THREAD, 'pageContendsWithWorkers',
      { threads: 3, keys: 4, pageAdds: 200_000, lockSpins: undefined, minCollisions: 1, timeoutMs: RUN_TIMEOUT_MS });
    expectExactSums(out);
    expect(out.lockSpins + out.lockWaits, 'no thread ever found a lock taken').toBeGreaterThan(0);
    expect(session.pageErrors).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
