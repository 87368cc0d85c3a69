// Strategy 'owned' stress, used as intended: the owner changes every round (tasks/owned-handoff.mjs),
// the map grows across hand-offs, no operation throws, and the map ends exactly as the logs say.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, entriesOnce, task } from './harness.js';
import { sharedWords } from './tasks/common.mjs';

describe.each(THREAD_COUNTS)("strategy 'owned' handed from thread to thread, %i threads", (threads) => {
  it('every operation succeeds, the map grows across hand-offs and holds exactly what was written', async () => {
    const map = await debugMap({ key: 'number', value: 'number', strategy: 'owned' });
    const results = (await runWorkers({
      task: task('owned-handoff'), threads, map, args: { words: sharedWords(2), rounds: 60, roundOps: 3_000 },
      timeoutMs: RUN_TIMEOUT_MS,
    })) as any[];
    const expected = new Map<number, number>();
    for (const r of results) for (const [key, value] of r.state) if (value !== undefined) expected.set(key, value);
    const entries = entriesOnce(map);
    expect(entries.size).toBe(expected.size);
    for (const [key, value] of expected) expect(entries.get(key), `key ${key}`).toBe(value);
    expect(map.size).toBe(expected.size);
    expect(map.stats().B).toBeGreaterThan(8);
    expect(checkInvariants(map)).toBe(0);
  });
});
