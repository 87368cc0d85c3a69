// Test 3: threads race getOrInsert / getOrInsertComputed on the same keys, each proposing its
// own value. Exactly one proposal wins per key: every thread gets that one back, and the map
// holds it.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, task } from './harness.js';
import { proposal } from './tasks/get-or-insert.mjs';

const KEYS = { number: 150_000, string: 50_000 } as const;

describe.each(THREAD_COUNTS)('racing getOrInsert with %i threads', (threads) => {
  describe.each(['number', 'string'] as const)('%s keys and values', (kind) => {
    it.each(['plain', 'computed'] as const)('%s: every thread gets back the one stored winner', async (mode) => {
      const keys = KEYS[kind];
      const map = kind === 'number'
        ? await debugMap({ key: 'number', value: 'number', initialCapacity: 0 })
        : await debugMap({ key: 'string', value: 'string', initialCapacity: 0 });
      const results = (await runWorkers({
        task: task('get-or-insert'), threads, map, args: { kind, keys, mode }, timeoutMs: RUN_TIMEOUT_MS,
      })) as { got: ArrayLike<number | string>; computeCalls: number }[];

      let disagreements = 0;
      let notAProposal = 0;
      let mapDiffers = 0;
      const examples: unknown[] = [];
      const winsBy = new Array<number>(threads).fill(0);
      for (let key = 0; key < keys; key++) {
        const winner = results[0].got[key];
        const all = results.map((r) => r.got[key]);
        if (all.some((v) => v !== winner)) {
          disagreements++;
          if (examples.length < 5) examples.push({ key, all });
        }
        const by = Array.from({ length: threads }, (_, t) => proposal(kind, t, key)).indexOf(winner);
        if (by < 0) notAProposal++;
        else winsBy[by]++;
        if ((map as any).get(kind === 'string' ? `k-${key}` : key) !== winner) mapDiffers++;
      }
      expect({ disagreements, notAProposal, mapDiffers, examples }).toEqual(
        { disagreements: 0, notAProposal: 0, mapDiffers: 0, examples: [] });
      expect(map.size).toBe(keys);
      expect(checkInvariants(map)).toBe(0);
      if (mode === 'computed') {
        // Each thread computes at most once per key (it only computes when it found none).
        for (const r of results) expect(r.computeCalls).toBeLessThanOrEqual(keys);
        expect(results.reduce((n, r) => n + r.computeCalls, 0)).toBeGreaterThanOrEqual(keys);
      }
      // Not asserted (scheduling decides): how the wins were shared, a sign the threads collided.
      console.info(`getOrInsert ${kind} ${mode} ${threads} threads: wins by thread ${winsBy.join(', ')}`);
    });
  });
});
