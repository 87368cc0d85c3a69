// Test 7: entries() while other threads insert (growing the table many times), delete their own
// keys and overwrite the stable ones: each pass yields every stable key exactly once, no key
// twice, only values that belong to their key, and never throws (a throw fails the run).
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, entriesOnce, seedFor, task } from './harness.js';
import { keyString, sharedWords } from './tasks/common.mjs';
import { WORDS, valueOf } from './tasks/iterate-during-growth.mjs';

const SIZES = {
  number: { stable: 3_000, perWriter: 400_000, passes: 7 },
  string: { stable: 2_000, perWriter: 150_000, passes: 6 },
} as const;

describe.each(THREAD_COUNTS)('iteration during growth with %i threads', (threads) => {
  it.each(['number', 'string'] as const)('%s keys: every pass yields each stable key once and no key twice', async (kind) => {
    const seed = seedFor(`iterate ${kind} ${threads}`);
    const { stable, perWriter, passes } = SIZES[kind];
    const map: any = kind === 'number'
      ? await debugMap({ key: 'number', value: 'number', initialCapacity: 0 })
      : await debugMap({ key: 'string', value: 'string', initialCapacity: 0 });
    for (let key = 0; key < stable; key++) map.set(kind === 'number' ? key : keyString(key), valueOf(kind, key, 0));
    const words = sharedWords(WORDS); // the phase barrier and the MID / DONE rendezvous
    const results = (await runWorkers({
      task: task('iterate-during-growth'), threads, map,
      args: { kind, stable, perWriter, passes, seed, words }, timeoutMs: RUN_TIMEOUT_MS,
    })) as any[];

    const it0 = results[0];
    expect({ duplicates: it0.duplicates, stableMissed: it0.stableMissed, foreign: it0.foreign, examples: it0.examples },
      `seed ${seed}`).toEqual({ duplicates: 0, stableMissed: 0, foreign: 0, examples: [] });
    expect(it0.passes).toBe(passes);
    // The forced interleaving happened: every pass was paused while a table started a growth.
    expect(it0.grewMidPass, 'passes during which the table grew').toBe(passes);
    const entries = entriesOnce(map);
    expect(entries.size).toBe(map.size);
    expect(checkInvariants(map)).toBe(0);
    console.info(`iterate ${kind} ${threads} threads: ${it0.passes} passes, ${it0.grewMidPass} grew mid-pass, ${it0.growingWhenResumed} still growing on resume, up to ${it0.maxSeen} keys`);
  });
});
