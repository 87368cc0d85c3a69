// Strategy 'rwlock' with real workers: writers exclude each other (the sum on one key is exact,
// with no chain locks underneath, so only the map's lock keeps increments from being lost), and
// neither side starves the other (tasks/rwlock-fairness.mjs: thread 0's fixed share of
// operations finishes while every other thread hammers the other side of the lock), and a
// reader that arrives while a writer waits goes after that writer (forced, rwlock-preference).
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, task } from './harness.js';
import { sharedWords } from './tasks/common.mjs';
import { WORDS } from './tasks/rwlock-fairness.mjs';
import { WORDS as PREFERENCE_WORDS } from './tasks/rwlock-preference.mjs';

const KEY_SPACE = 1 << 20;
/** Well below RUN_TIMEOUT_MS: a starved thread 0 shows as a WORKER_TIMEOUT. */
const FAIRNESS_TIMEOUT_MS = 30_000;

describe("strategy 'rwlock' prefers writers", () => {
  it('a reader arriving while a writer waits for a read to end queues behind the writer (forced)', async () => {
    for (let round = 0; round < 5; round++) {
      const map = await debugMap({ key: 'number', value: 'number', strategy: 'rwlock' });
      const [holder, , reader] = (await runWorkers({
        task: task('rwlock-preference'), threads: 3, map, args: { words: sharedWords(PREFERENCE_WORDS) },
        timeoutMs: FAIRNESS_TIMEOUT_MS,
      })) as any[];
      expect(holder.readerQueued, 'the reader waited (rwState counted it)').toBe(true);
      expect(reader.got, 'the reader saw the write that was waiting before it').toBe(1);
    }
  });
});

describe.each(THREAD_COUNTS)("strategy 'rwlock' with %i threads", (threads) => {
  it('writers exclude each other: add on one key, lockSpins 0, the sum is exact', async () => {
    const ops = 100_000;
    const map = await debugMap({ key: 'number', value: 'number', strategy: 'rwlock', lockSpins: 0 });
    await runWorkers({
      task: task('lock-stress'), threads, map, args: { key: 7, ops, mode: 'add', words: sharedWords(2), roundOps: 10_000 },
      timeoutMs: RUN_TIMEOUT_MS,
    });
    expect(map.get(7)).toBe(threads * ops);
    expect(checkInvariants(map)).toBe(0);
  });

  // lockSpins 0: every wait sleeps at once. 1024 (the default): waits spin first (rwlock.ts L2,
  // L3), and most end there.
  it.each([
    ['writer', 0], ['reader', 0], ['writer', 1024], ['reader', 1024],
  ] as const)('a %s is not starved by the other side, lockSpins %i', async (mode, lockSpins) => {
    const map = await debugMap({ key: 'number', value: 'number', strategy: 'rwlock', lockSpins });
    for (let key = 0; key < 1000; key++) map.set(key, key);
    const ops = mode === 'writer' ? 20_000 : 50_000;
    const results = (await runWorkers({
      task: task('rwlock-fairness'), threads, map, args: { mode, ops, words: sharedWords(WORDS) },
      timeoutMs: FAIRNESS_TIMEOUT_MS,
    })) as any[];
    expect(results[0].done).toBe(ops);
    for (const r of results) expect(r.wrong).toBe(0);
    // Every add landed: the values sum to the keys plus KEY_SPACE per write.
    const writes = results.filter((r) => r.writes).reduce((sum, r) => sum + r.done, 0);
    let total = 0;
    for (const [key, value] of map) total += value - key;
    expect(total).toBe(writes * KEY_SPACE);
    expect(checkInvariants(map)).toBe(0);
    console.info(`rwlock ${mode} ${threads} threads, lockSpins ${lockSpins}: ops per thread ${results.map((r) => r.done).join(', ')}`);
  });
});
