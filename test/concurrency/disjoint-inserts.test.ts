// Test 1: threads insert disjoint key ranges into a map that starts at one bucket, so every
// insert races with growths (evacuation by whoever writes). Nothing may be lost or duplicated:
// size, every key and value, iteration and the core's invariants are checked exactly.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, entriesOnce, seedFor, task } from './harness.js';
import { keyString, keyNumber } from './tasks/common.mjs';
import { numberValueOf, stringValueOf } from './tasks/insert-range.mjs';

const PER_THREAD = { number: 150_000, string: 60_000 } as const;

describe.each(THREAD_COUNTS)('disjoint inserts with %i threads', (threads) => {
  it('number keys: no key is lost or damaged while the table grows from one bucket', async () => {
    const seed = seedFor(`disjoint number ${threads}`);
    const perThread = PER_THREAD.number;
    const map = await debugMap({ key: 'number', value: 'number', initialCapacity: 0 });
    const results = await runWorkers({
      task: task('insert-range'), threads, map, args: { kind: 'number', perThread, seed }, timeoutMs: RUN_TIMEOUT_MS,
    });

    expect(results, `seed ${seed}: read-backs during the race`).toEqual(
      results.map(() => ({ missing: 0, wrong: 0, examples: [] })));
    const total = threads * perThread;
    expect(map.size).toBe(total);
    let missing = 0;
    for (let key = 0; key < total; key++) if (map.get(key) !== numberValueOf(key)) missing++;
    expect(missing, `seed ${seed}: keys missing or wrong after the run`).toBe(0);
    const entries = entriesOnce(map);
    expect(entries.size).toBe(total);
    expect(checkInvariants(map)).toBe(0);
    const stats = map.stats();
    // 1 bucket to at least total / 6.5 / 2 buckets: many doublings happened during the race. (All
    // tables together: a sharded map has one per shard, and B is then the largest one's.)
    expect(Math.log2(stats.buckets)).toBeGreaterThanOrEqual(Math.floor(Math.log2(total / 6.5)));
    expect(stats.threads).toBe(1);
  });

  it('string keys: no key is lost or damaged while the table grows from one bucket', async () => {
    const seed = seedFor(`disjoint string ${threads}`);
    const perThread = PER_THREAD.string;
    const map = await debugMap({ key: 'string', value: 'string', initialCapacity: 0 });
    const results = await runWorkers({
      task: task('insert-range'), threads, map, args: { kind: 'string', perThread, seed }, timeoutMs: RUN_TIMEOUT_MS,
    });

    expect(results, `seed ${seed}: read-backs during the race`).toEqual(
      results.map(() => ({ missing: 0, wrong: 0, examples: [] })));
    const total = threads * perThread;
    expect(map.size).toBe(total);
    let missing = 0;
    for (let key = 0; key < total; key++) if (map.get(keyString(key)) !== stringValueOf(key)) missing++;
    expect(missing, `seed ${seed}: keys missing or wrong after the run`).toBe(0);
    const entries = entriesOnce(map);
    expect(entries.size).toBe(total);
    for (const [key, value] of entries) expect(value).toBe(stringValueOf(keyNumber(key)));
    expect(checkInvariants(map)).toBe(0);
  });
});
