// runWorkers on Web Workers in Chromium: real threads on one map, released together by the
// start barrier, with exact end states: counter sums, every key of a map grown from one bucket
// during the race (with the default strategy and each other one), tricky strings written on one
// thread and read on another. Then the ways a run fails, and proof that a failed run's workers
// are gone.

import { expect, it } from 'vitest';
import { RUN_TIMEOUT_MS, TEST_TIMEOUT_MS, callFixture, describeInChromium } from './harness.js';

const WORKERS = '/test/browser/fixtures/workers.mjs';
const THREADS = 4;

interface Described { name: string; code?: string; message: string; cause?: string }

type Counted = { results: { added: number[]; belowOwn: number }[]; values: number[]; size: number; strategy: string };
type Grown = { results: unknown[]; total: number; size: number; wrong: number; iterated: number; duplicates: number; B: number; strategy: string };

/** Every key's sum is what the workers say they added, and no add returned less than its own share. */
function expectExactSums(out: Counted, keys: number, seed: number): void {
  const sums = new Array<number>(keys).fill(0);
  for (const { added } of out.results) added.forEach((n, k) => { sums[k] += n; });
  expect(out.values, `seed ${seed}`).toEqual(sums);
  expect(out.results.map((r) => r.belowOwn), 'add returned less than this worker alone had added').toEqual(out.results.map(() => 0));
  expect(out.size).toBe(keys);
}

/** Nothing failed to read back during the race, and afterwards every key is there once, right. */
function expectNothingLost(out: Grown, seed: number): void {
  expect(out.results, `seed ${seed}: read-backs during the race`).toEqual(
    out.results.map(() => ({ missing: 0, wrong: 0, examples: [] })));
  expect(out.size).toBe(out.total);
  expect(out.wrong, 'keys missing or wrong after the run').toBe(0);
  expect(out.iterated).toBe(out.total);
  expect(out.duplicates).toBe(0);
}

describeInChromium('runWorkers on Web Workers, in Chromium', (session) => {
  it(`${THREADS} workers adding to 8 shared keys give exact sums`, async () => {
    const page = await session.open();
    const keys = 8;
    const seed = 0xc0ffee;
    const out = await callFixture<Counted>(
      page, WORKERS, 'counters', { threads: THREADS, keys, ops: 100_000, seed, timeoutMs: RUN_TIMEOUT_MS });
    expectExactSums(out, keys, seed);
  }, TEST_TIMEOUT_MS);

  for (const [kind, perThread] of [['number', 50_000], ['string', 20_000]] as const) {
    it(`${kind} keys: nothing is lost while ${THREADS} workers grow the map from one bucket`, async () => {
      const page = await session.open();
      const seed = 0x9e0;
      const out = await callFixture<Grown>(page, WORKERS, 'growth', { threads: THREADS, perThread, kind, seed, timeoutMs: RUN_TIMEOUT_MS });
      expectNothingLost(out, seed);
      // From one bucket to at least total / 6.5 / 2: many doublings happened during the race.
      expect(out.B).toBeGreaterThanOrEqual(Math.floor(Math.log2(out.total / 6.5)));
    }, TEST_TIMEOUT_MS);
  }

  // The other strategies lock differently (one read/write lock, one per shard, a dirty table
  // behind a map lock), and their waits are Atomics.wait in Chromium's workers: the same races,
  // the same exact end states.
  for (const strategy of ['rwlock', 'sharded', 'read-mostly'] as const) {
    it(`strategy '${strategy}': counters give exact sums, and growth from one bucket loses nothing`, async () => {
      const page = await session.open();
      const seed = 0x57a7;
      const keys = 8;
      const counted = await callFixture<Counted>(
        page, WORKERS, 'counters', { threads: THREADS, keys, ops: 50_000, seed, timeoutMs: RUN_TIMEOUT_MS, strategy });
      expect(counted.strategy).toBe(strategy);
      expectExactSums(counted, keys, seed);
      const grown = await callFixture<Grown>(
        page, WORKERS, 'growth', { threads: THREADS, perThread: 20_000, kind: 'number', seed, timeoutMs: RUN_TIMEOUT_MS, strategy });
      expect(grown.strategy).toBe(strategy);
      expectNothingLost(grown, seed);
    }, TEST_TIMEOUT_MS);
  }

  it("strategy 'owned' handed from worker to worker: no misuse reported, the map holds what the owners wrote", async () => {
    const page = await session.open();
    const out = await callFixture<{ expected: [number, number][]; entries: [number, number][]; size: number; B: number }>(
      page, WORKERS, 'ownedHandoff', { threads: THREADS, rounds: 40, roundOps: 2_000, timeoutMs: RUN_TIMEOUT_MS });
    expect(out.expected.length).toBeGreaterThan(0);
    expect(out.entries).toEqual(out.expected);
    expect(out.size).toBe(out.expected.length);
    expect(out.B, 'the map grew across hand-offs').toBeGreaterThan(6);
  }, TEST_TIMEOUT_MS);

  it('tricky string keys written on the page are read in workers, and the other way round', async () => {
    const page = await session.open();
    const out = await callFixture<{ readByWorkers: string[][]; readByPage: string[]; size: number; expectedSize: number }>(
      page, WORKERS, 'stringsAcrossThreads', { threads: 2, timeoutMs: RUN_TIMEOUT_MS });
    expect(out.readByWorkers).toEqual([[], []]);
    expect(out.readByPage).toEqual([]);
    expect(out.size).toBe(out.expectedSize);
  }, TEST_TIMEOUT_MS);

  it('a task that throws, or a task module that is missing, rejects with WORKER_FAILED', async () => {
    const page = await session.open();
    const out = await callFixture<{ throws: Described; missingTask: Described }>(page, WORKERS, 'failures', { timeoutMs: RUN_TIMEOUT_MS });
    expect(out.throws).toMatchObject({ name: 'ConcurrentMapError', code: 'WORKER_FAILED', message: 'worker 1 failed: boom from worker 1' });
    expect(out.missingTask).toMatchObject({ code: 'WORKER_FAILED' });
    expect(out.missingTask.message).toContain('no-such-task.mjs');
  }, TEST_TIMEOUT_MS);

  it('a worker script that cannot load rejects with WORKER_FAILED saying what to check', async () => {
    const page = await session.open();
    await page.route('**/dist/browser/sharemap-worker.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const out = await callFixture<Described>(page, WORKERS, 'echoRun', { timeoutMs: RUN_TIMEOUT_MS });
    expect(out).toMatchObject({ code: 'WORKER_FAILED' });
    expect(out.message).toContain(`${session.origin}/dist/browser/sharemap-worker.js could not be started`);
  }, TEST_TIMEOUT_MS);

  it('at the deadline every worker is terminated: a shared counter they bump stops moving', async () => {
    const page = await session.open();
    const out = await callFixture<{ error: Described; counted: number; countedLater: number }>(
      page, WORKERS, 'deadline', { threads: 2, timeoutMs: 500 });
    expect(out.error).toMatchObject({ code: 'WORKER_TIMEOUT' });
    expect(out.counted).toBeGreaterThan(0);
    expect(out.countedLater).toBe(out.counted);
  }, TEST_TIMEOUT_MS);
});
