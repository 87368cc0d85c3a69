// Threads that insert the same missing keys at once: each key ends up in the map once, and add
// loses no thread's increment. set and add of a missing key insert on the fast path's locked
// chain (fast64.ts, map.ts insertHeld and addHeld); without that lock held from the search to
// the insert, two threads both insert the key (tasks/first-insert.mjs).
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, entriesOnce, task } from './harness.js';

const KEYS = 20_000;
/** Writer spins between its search and its write (assembly/hooks.ts writeStall). */
const STALL_SPINS = 100;
const CASES = THREAD_COUNTS.flatMap((threads) =>
  (['number', 'string'] as const).flatMap((keyKind) => (['add', 'set'] as const).map((mode) => [threads, keyKind, mode] as const)));

describe.each(CASES)('first inserts of the same keys, %i threads, %s keys, %s', (threads, keyKind, mode) => {
  it('every key is in the map once, with what the threads wrote', async () => {
    const map: any = await debugMap({ key: keyKind, value: 'number' });
    const results = (await runWorkers({
      task: task('first-insert'), threads, map, args: { keys: KEYS, mode, keyKind, stall: STALL_SPINS },
      timeoutMs: RUN_TIMEOUT_MS,
    })) as { writes: number }[];

    expect(results.map((r) => r.writes)).toEqual(results.map(() => KEYS));
    const entries = entriesOnce(map); // fails on a key yielded twice
    expect(entries.size).toBe(KEYS);
    expect(map.size).toBe(KEYS);
    const wrong: unknown[] = [];
    for (let k = 0; k < KEYS && wrong.length < 5; k++) {
      const value = entries.get(keyKind === 'string' ? 'key:' + k : k);
      const ok = mode === 'add' ? value === threads : Number.isInteger(value) && value >= 1 && value <= threads;
      if (!ok) wrong.push({ key: k, value });
    }
    expect(wrong).toEqual([]);
    expect(checkInvariants(map)).toBe(0);
  });
});
