// Strategy 'owned' with real workers: each kind of misuse is detected, reported as a catchable
// ConcurrentMapMisuseError naming both threads, and changes nothing, so the map afterwards holds
// exactly what the operations that did not throw wrote (tasks/owned-misuse.mjs keeps the logs).
// 'writes' and 'read' rely on overlap (barriers every round, rounds until an error was seen,
// ownerAttempts 1);
// 'iterate' forces its interleaving with rendezvous words, so every try there must throw.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, entriesOnce, task } from './harness.js';
import { sharedWords, ownedKey, numberValue } from './tasks/common.mjs';
import { WORDS } from './tasks/owned-misuse.mjs';

const KEY_SPACE = 1 << 20;
const OWN_KEYS = 2_000;

async function run(mode: string, threads: number, rounds: number, roundOps: number, prefill = 0, maxRounds = rounds) {
  const map = await debugMap({ key: 'number', value: 'number', strategy: 'owned', ownerAttempts: 1 });
  const expected = new Map<number, number | undefined>();
  for (let j = 0; j < prefill; j++) {
    const key = ownedKey(0, threads, j);
    map.set(key, numberValue(key, 0, KEY_SPACE));
    expected.set(key, numberValue(key, 0, KEY_SPACE));
  }
  const words = sharedWords(WORDS);
  const results = (await runWorkers({
    task: task('owned-misuse'), threads, map,
    args: { mode, words, rounds, maxRounds, roundOps, ownKeys: OWN_KEYS }, timeoutMs: RUN_TIMEOUT_MS,
  })) as any[];
  for (const r of results) for (const [key, value] of r.state) expected.set(key, value);
  for (const [key, value] of expected) if (value === undefined) expected.delete(key);
  return { map, results, expected };
}

/** The map holds exactly `expected`, and the core's invariants hold. */
function expectExactly(map: any, expected: Map<number, number | undefined>) {
  const entries = entriesOnce(map);
  expect(entries.size).toBe(expected.size);
  for (const [key, value] of expected) expect(entries.get(key), `key ${key}`).toBe(value);
  expect(map.size).toBe(expected.size);
  expect(checkInvariants(map)).toBe(0);
}

/** Every sample error names the thread that threw and another worker of the run. */
function expectNamed(results: any[], code: string) {
  const threadIds = new Set(results.map((r) => r.threadId));
  for (const r of results) {
    const sample = r.sample[code];
    if (!sample) continue;
    expect(sample.thread.threadId, sample.message).toBe(r.threadId);
    expect(sample.otherThread.threadId, sample.message).not.toBe(r.threadId);
    expect(threadIds.has(sample.otherThread.threadId), sample.message).toBe(true);
    expect(sample.otherThread.slot).not.toBe(sample.thread.slot);
    expect(sample.message).toContain(`threadId ${r.threadId}`);
    expect(sample.message).toContain(`threadId ${sample.otherThread.threadId}`);
  }
}

const total = (results: any[], code: string) => results.reduce((sum, r) => sum + (r.errors[code] ?? 0), 0);

describe.each(THREAD_COUNTS)("strategy 'owned' misuse with %i threads", (threads) => {
  it('two writers: CONCURRENT_WRITES, and the map holds exactly the writes that did not throw', async () => {
    const { map, results, expected } = await run('writes', threads, 40, 5_000, 0, 4_000);
    for (const r of results) expect(r.unexpected).toEqual([]);
    const errors = total(results, 'CONCURRENT_WRITES');
    expect(errors, 'writes that overlapped another thread\'s write').toBeGreaterThan(0);
    expectNamed(results, 'CONCURRENT_WRITES');
    expectExactly(map, expected);
    map.set(-1, 1); // usable afterwards
    expect(map.get(-1)).toBe(1);
    console.info(`owned writes ${threads} threads: ${errors} CONCURRENT_WRITES`);
  });

  it('a reader during a write: READ_DURING_WRITE, reads that returned are right, the writer never failed', async () => {
    const { map, results, expected } = await run('read', threads, 40, 5_000, 0, 4_000);
    for (const r of results) expect(r.unexpected).toEqual([]);
    for (const r of results) expect(r.wrongReads).toBe(0);
    expect(results[0].errors, 'the writer').toEqual({});
    const errors = total(results, 'READ_DURING_WRITE');
    expect(errors).toBeGreaterThan(0);
    expectNamed(results, 'READ_DURING_WRITE');
    expectExactly(map, expected);
    console.info(`owned read ${threads} threads: ${errors} READ_DURING_WRITE`);
  });

  it('a write during another thread\'s iteration: WRITE_DURING_ITERATION every time (forced), and writes work after it', async () => {
    const rounds = 20;
    const { map, results, expected } = await run('iterate', threads, rounds, 0, 500);
    for (const r of results) expect(r.unexpected).toEqual([]);
    // Four write attempts per round per other thread, each forced to overlap the iteration.
    for (const r of results.slice(1)) {
      expect(r.errors).toEqual({ WRITE_DURING_ITERATION: 4 * rounds });
      expect(r.sample.WRITE_DURING_ITERATION.otherThread.threadId).toBe(results[0].threadId);
    }
    expectNamed(results, 'WRITE_DURING_ITERATION');
    expectExactly(map, expected);
  });
});
