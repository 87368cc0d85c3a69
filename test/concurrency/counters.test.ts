// Test 2: counters on a few hot keys, bumped from every thread at once. The sums must be exact:
// a lost update (a broken bucket lock, a compare-and-set that succeeds on a stale value, an
// insert of a missing key that two threads both win) shows as a wrong sum.
import { describe, expect, it } from 'vitest';
import { ConcurrentMap, runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, seedFor, task } from './harness.js';

const HOT_KEYS = 8;

interface CounterResult { added: number[]; belowOwn: number }

function expectedSums(results: unknown[], wrapInt32: boolean): number[] {
  const sums = new Array<number>(HOT_KEYS).fill(0);
  for (const { added } of results as CounterResult[]) {
    added.forEach((n, k) => { sums[k] = wrapInt32 ? (sums[k] + n) | 0 : sums[k] + n; });
  }
  return sums;
}

async function run(map: ConcurrentMap<any, any>, threads: number, args: Record<string, unknown>) {
  return (await runWorkers({
    task: task('counters'), threads, map, args: { keys: HOT_KEYS, ...args }, timeoutMs: RUN_TIMEOUT_MS,
  })) as CounterResult[];
}

describe.each(THREAD_COUNTS)('counters with %i threads', (threads) => {
  it('add on 8 shared keys of a number map gives exact sums', async () => {
    const seed = seedFor(`add number ${threads}`);
    const map = await debugMap({ key: 'number', value: 'number' });
    const results = await run(map, threads, { mode: 'add', ops: 300_000, seed, valueKind: 'number', keyKind: 'number' });

    const sums = expectedSums(results, false);
    expect(Array.from({ length: HOT_KEYS }, (_, k) => map.get(k)), `seed ${seed}`).toEqual(sums);
    expect(results.map((r) => r.belowOwn), 'add returned less than this thread alone had added').toEqual(results.map(() => 0));
    expect(map.size).toBe(HOT_KEYS);
    expect(checkInvariants(map)).toBe(0);
  });

  it('add on 8 shared keys of an int32 map wraps like int32 and gives exact sums', async () => {
    const seed = seedFor(`add int32 ${threads}`);
    const map = await debugMap({ key: 'int32', value: 'int32' });
    const results = await run(map, threads, { mode: 'add', ops: 300_000, seed, valueKind: 'int32', keyKind: 'int32' });

    const sums = expectedSums(results, true);
    expect(Array.from({ length: HOT_KEYS }, (_, k) => map.get(k)), `seed ${seed}`).toEqual(sums);
    expect(map.size).toBe(HOT_KEYS);
    expect(checkInvariants(map)).toBe(0);
  });

  it('add on 8 shared string keys gives exact sums', async () => {
    const seed = seedFor(`add string ${threads}`);
    const map = await debugMap({ key: 'string', value: 'number' });
    const results = await run(map, threads, { mode: 'add', ops: 200_000, seed, valueKind: 'number', keyKind: 'string' });

    const sums = expectedSums(results, false);
    expect(Array.from({ length: HOT_KEYS }, (_, k) => map.get(`hot-${k}`)), `seed ${seed}`).toEqual(sums);
    expect(checkInvariants(map)).toBe(0);
  });

  it('update(k, v => (v ?? 0) + 1) retries until every increment lands', async () => {
    const seed = seedFor(`update number ${threads}`);
    const map = await debugMap({ key: 'number', value: 'number' });
    const results = await run(map, threads, { mode: 'update', ops: 150_000, seed, keyKind: 'number' });

    const sums = expectedSums(results, false);
    expect(sums.reduce((a, b) => a + b)).toBe(threads * 150_000);
    expect(Array.from({ length: HOT_KEYS }, (_, k) => map.get(k)), `seed ${seed}`).toEqual(sums);
    expect(results.map((r) => r.belowOwn)).toEqual(results.map(() => 0));
    expect(checkInvariants(map)).toBe(0);
  });

  it('update on string values (compare-and-set of blobs) loses no increment', async () => {
    const seed = seedFor(`update string ${threads}`);
    const map = await debugMap({ key: 'string', value: 'string' });
    const results = await run(map, threads, { mode: 'update-str', ops: 50_000, seed, keyKind: 'string' });

    const sums = expectedSums(results, false);
    expect(Array.from({ length: HOT_KEYS }, (_, k) => map.get(`hot-${k}`)), `seed ${seed}`).toEqual(sums.map(String));
    expect(results.map((r) => r.belowOwn)).toEqual(results.map(() => 0));
    expect(checkInvariants(map)).toBe(0);
  });
});
