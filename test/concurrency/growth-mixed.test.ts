// Test 4: inserts, overwrites, deletes and reads race while the table grows from one bucket.
// Each key has one writer (its owner), which logs what it did; the end state must be exactly the
// keys each owner left present, with their last values: no lost key, no resurrected deleted key.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, entriesOnce, seedFor, task } from './harness.js';
import { keyString } from './tasks/common.mjs';
import { valueOf } from './tasks/mixed-owner.mjs';

const SIZES = {
  number: { ownKeys: 40_000, ops: 250_000 },
  string: { ownKeys: 15_000, ops: 100_000 },
} as const;

interface OwnerResult {
  bad: Record<string, unknown>;
  present: [number, number][];
}

describe.each(THREAD_COUNTS)('growth under mixed writes with %i threads', (threads) => {
  it.each(['number', 'string'] as const)('%s keys: the end state is exactly what the owners left', async (kind) => {
    const seed = seedFor(`mixed ${kind} ${threads}`);
    const { ownKeys, ops } = SIZES[kind];
    const keySpace = ownKeys * threads;
    const map: any = kind === 'number'
      ? await debugMap({ key: 'number', value: 'number', initialCapacity: 0 })
      : await debugMap({ key: 'string', value: 'string', initialCapacity: 0 });
    const results = (await runWorkers({
      task: task('mixed-owner'), threads, map, args: { kind, ownKeys, ops, seed }, timeoutMs: RUN_TIMEOUT_MS,
    })) as OwnerResult[];

    expect(results.map((r) => r.bad), `seed ${seed}: checks made during the race`).toEqual(results.map(() => ({
      ownWrong: 0, otherWrong: 0, deleteWrong: 0, getOrInsertWrong: 0, examples: [],
    })));

    const expected = new Map<number | string, number | string>();
    for (const { present } of results) {
      for (const [key, version] of present) {
        expected.set(kind === 'number' ? key : keyString(key), valueOf(kind, key, version, keySpace));
      }
    }
    expect(map.size).toBe(expected.size);
    let wrong = 0;
    for (const [key, value] of expected) if (map.get(key) !== value) wrong++;
    expect(wrong, `seed ${seed}: present keys missing or with a stale value`).toBe(0);
    const entries = entriesOnce<number | string, number | string>(map);
    const extra = [...entries.keys()].filter((key) => !expected.has(key));
    expect(extra, `seed ${seed}: deleted keys that came back`).toEqual([]);
    expect(entries.size).toBe(expected.size);
    expect(checkInvariants(map)).toBe(0);
  });
});
