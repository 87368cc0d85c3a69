// Strategy 'read-mostly' with real workers: the mechanism itself, not only the API (the stress
// suites run on it in test/strategies/stress.read-mostly.test.ts). Three runs on one map, each
// checked through the core's counters (readMostlyCounter) once its workers are gone:
//  A. readers of keys live in the snapshot, while a writer inserts new keys (dirty table, rmLock
//     held again and again) and replaces the readers' values in place: not one read takes the
//     lock (tasks/read-mostly.mjs forces each reader to read after each chunk of inserts);
//  B. every thread reads the new keys: they miss the snapshot, take the lock, and the miss that
//     brings the misses to the map's size promotes, exactly once; a get that missed the old
//     snapshot just before, held (forced) until the promotion has published, still finds its key;
//  C. as A, but the readers read the keys B promoted, while the writer inserts more: again no
//     read takes the lock.
// Then the contents exactly: every key once, with the value its last write gave it.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants, coreExports } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, entriesOnce, task } from './harness.js';
import { numberValue, sharedWords } from './tasks/common.mjs';
import { KEY_SPACE, words } from './tasks/read-mostly.mjs';

/** readMostlyCounter's indices (assembly/readmostly.ts). */
const LOCKED_READS = 0;
const PROMOTIONS = 1;
const MISSES = 2;
const DIRTY = 3;

const HOT = 1000; // keys [0, HOT): in the snapshot from the start
const NEW = 20_000; // keys [HOT, HOT + NEW): inserted during A, promoted in B
const MORE = 5000; // keys [HOT + NEW, HOT + NEW + MORE): inserted during C

describe.each(THREAD_COUNTS)("strategy 'read-mostly' with %i threads", (threads) => {
  it('reads of snapshot keys take no lock while a writer inserts; misses promote once; promoted keys read lock-free', async () => {
    const map = await debugMap({ key: 'number', value: 'number', strategy: 'read-mostly' });
    const x = coreExports(map);
    const counter = (which: number) => x.readMostlyCounter(which);
    const run = async (args: object) => (await runWorkers({
      task: task('read-mostly'), threads, map, args: { words: sharedWords(words(threads)), ...args },
      timeoutMs: RUN_TIMEOUT_MS,
    })) as any[];
    const expected = new Map<number, number>();
    const wrote = (results: any[]) => {
      for (const [key, version] of Object.entries(results[0].versions)) {
        expected.set(Number(key), numberValue(Number(key), version as number, KEY_SPACE));
      }
    };
    const noWrongReads = (results: any[]) => {
      for (const r of results) expect(r.wrong, `thread ${r.index}`).toEqual([]);
    };

    // The snapshot: HOT keys (in the dirty table at first), promoted by HOT misses on this thread.
    for (let key = 0; key < HOT; key++) {
      map.set(key, numberValue(key, 1, KEY_SPACE));
      expected.set(key, numberValue(key, 1, KEY_SPACE));
    }
    for (let key = 0; key < HOT; key++) map.get(key);
    expect([counter(PROMOTIONS), counter(DIRTY), counter(LOCKED_READS)]).toEqual([1, 0, HOT]);

    // A: thread 0 inserts NEW keys in 20 chunks, every other thread reads the HOT keys.
    const a = await run({ mode: 'insert', readKeys: [0, HOT], newKeys: [HOT, HOT + NEW], chunks: 20, startVersion: 1 });
    noWrongReads(a);
    for (const r of a.slice(1)) expect(r.reads).toBeGreaterThanOrEqual(20 * HOT);
    expect(counter(LOCKED_READS), 'reads that took rmLock during A').toBe(HOT);
    expect([counter(PROMOTIONS), counter(DIRTY)]).toEqual([1, NEW]);
    for (let key = HOT; key < HOT + NEW; key++) expected.set(key, numberValue(key, 1, KEY_SPACE));
    wrote(a);

    // B: all threads read the NEW keys, enough rounds that thread 0's misses alone pass the map's
    // size (the others are held in their stalled get until the promotion).
    const rounds = Math.ceil((HOT + NEW) / NEW);
    const b = await run({ mode: 'read', readKeys: [HOT, HOT + NEW], newKeys: [0, 0], rounds });
    noWrongReads(b);
    // Every other thread's get missed the old snapshot and waited (missStall) until the promotion
    // had published; then it saw an empty dirty table, which alone would have meant "absent".
    for (const r of b.slice(1)) {
      expect(r.stalled, `thread ${r.index}`).toEqual({ value: numberValue(HOT, 1, KEY_SPACE), promotedDuring: true });
    }
    expect([counter(PROMOTIONS), counter(DIRTY), counter(MISSES)]).toEqual([2, 0, 0]);
    // The (HOT + NEW)-th miss promoted; reads that were already past M1 then (one per other
    // thread at most) took the lock and found their key in the new snapshot; none after that.
    const lockedB = counter(LOCKED_READS) - HOT;
    expect(lockedB).toBeGreaterThanOrEqual(HOT + NEW);
    expect(lockedB).toBeLessThanOrEqual(HOT + NEW + threads - 1);

    // C: readers read every promoted key while thread 0 inserts MORE keys and replaces HOT values.
    const lockedBefore = counter(LOCKED_READS);
    const startVersion = Math.max(...Object.values(a[0].versions as Record<string, number>), 1);
    const c = await run({
      mode: 'insert', readKeys: [0, HOT + NEW], newKeys: [HOT + NEW, HOT + NEW + MORE], chunks: 5, startVersion,
    });
    noWrongReads(c);
    expect(counter(LOCKED_READS), 'reads that took rmLock during C').toBe(lockedBefore);
    expect([counter(PROMOTIONS), counter(DIRTY)]).toEqual([2, MORE]);
    for (let key = HOT + NEW; key < HOT + NEW + MORE; key++) expected.set(key, numberValue(key, 1, KEY_SPACE));
    wrote(c);

    // The contents, exactly. The iteration promotes the MORE keys first (M9), as Range does.
    expect(map.size).toBe(HOT + NEW + MORE);
    const entries = entriesOnce(map);
    expect([counter(PROMOTIONS), counter(DIRTY)]).toEqual([3, 0]);
    expect(entries.size).toBe(expected.size);
    let wrong = 0;
    for (const [key, value] of expected) if (entries.get(key) !== value || map.get(key) !== value) wrong++;
    expect(wrong).toBe(0);
    expect(checkInvariants(map)).toBe(0);
  });
});
