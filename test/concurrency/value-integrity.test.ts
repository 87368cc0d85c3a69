// Test 5: a reader must never get a value that belongs to another key, nor miss a key that is
// present for the whole run, while writers overwrite, delete, re-insert and grow the table.
// number -> number exercises the lock-free read path; string -> string also the blob copy,
// its re-validation (R7 in assembly/map.ts) and epoch reclamation of replaced blobs.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, seedFor, task } from './harness.js';
import { keyString, numberValue, stringValue } from './tasks/common.mjs';

const SIZES = {
  number: { stable: 2_000, churn: 2_000, ops: 300_000 },
  string: { stable: 1_000, churn: 1_000, ops: 100_000 },
} as const;

interface IntegrityResult { foreign: number; stableMissing: number; reads: number; examples: unknown[] }

describe.each(THREAD_COUNTS)('value integrity with %i threads', (threads) => {
  it.each([
    ['number', true], ['string', true], ['number', false], ['string', false],
  ] as const)('%s, deletes %s: every value read belongs to its key; stable keys are never missed', async (kind, deletes) => {
    const seed = seedFor(`integrity ${kind} ${deletes} ${threads}`);
    const { stable, churn, ops } = SIZES[kind];
    const map: any = kind === 'number'
      ? await debugMap({ key: 'number', value: 'number', initialCapacity: 0 })
      : await debugMap({ key: 'string', value: 'string', initialCapacity: 0 });
    // The stable keys exist before the run starts and are never deleted.
    for (let key = 0; key < stable; key++) {
      if (kind === 'number') map.set(key, numberValue(key, 0, 1 << 24));
      else map.set(keyString(key), stringValue(key, 0, 64));
    }
    const results = (await runWorkers({
      task: task('value-integrity'), threads, map, args: { kind, stable, churn, ops, seed, deletes }, timeoutMs: RUN_TIMEOUT_MS,
    })) as IntegrityResult[];

    const summary = results.map(({ foreign, stableMissing, examples }) => ({ foreign, stableMissing, examples }));
    expect(summary, `seed ${seed}`).toEqual(results.map(() => ({ foreign: 0, stableMissing: 0, examples: [] })));
    for (const r of results) expect(r.reads).toBeGreaterThan(0);
    expect(checkInvariants(map)).toBe(0);
  });
});
