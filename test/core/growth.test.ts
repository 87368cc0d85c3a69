// Growth through the debug build: doubling and same-size growths forced at chosen moments, with
// every kind of write, read and iteration interleaved while old buckets are half evacuated, all
// checked against a plain Map and checkInvariants (assembly/debug.ts). Same-size growth needs
// overflow chains piling up, which a keyed hash makes rare, so these tests force it.

import { describe, expect, it } from 'vitest';
import { ConcurrentMap } from 'sharemap';
import { checkInvariants, coreExports, debugModule } from 'sharemap/testing';

type AnyMap = ConcurrentMap<any, any>;

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectSameAs(map: AnyMap, model: Map<unknown, unknown>, keyOf = (k: unknown) => k): void {
  expect(map.size).toBe(model.size);
  const seen = new Set<unknown>();
  for (const [key, value] of map) {
    const k = keyOf(key);
    expect(seen.has(k), `key ${String(k)} yielded twice`).toBe(false);
    seen.add(k);
    expect(model.get(k)).toEqual(value);
  }
  expect(seen.size).toBe(model.size);
  expect(checkInvariants(map)).toBe(0);
}

const kinds = [
  { key: 'number', value: 'number', makeKey: (i: number) => i * 1.5, makeValue: (i: number) => i },
  { key: 'string', value: 'string', makeKey: (i: number) => `key:${i}`, makeValue: (i: number) => `value:${i}`.repeat(i % 5) },
] as const;

describe.each(kinds)('growth, $key keys and $value values', ({ key, value, makeKey, makeValue }) => {
  it.each([false, true])('operations interleaved with a forced growth (same size: %s) keep every entry', async (sameSize) => {
    const map: AnyMap = await ConcurrentMap.create({ key, value, module: await debugModule() });
    const core = coreExports(map);
    const model = new Map<unknown, unknown>();
    const random = mulberry32(sameSize ? 7 : 11);
    for (let i = 0; i < 3000; i++) {
      map.set(makeKey(i), makeValue(i));
      model.set(makeKey(i), makeValue(i));
    }
    // Wait until no growth is running, then force one and act while it is half done.
    let forced = 0;
    for (let round = 0; round < 40; round++) {
      if (!map.stats().growing && core.forceGrowth(sameSize)) forced++;
      expect(map.stats().growing).toBe(true);
      for (let op = 0; op < 200; op++) {
        const i = Math.floor(random() * 6000);
        const k = makeKey(i);
        const roll = random();
        if (roll < 0.3) {
          map.set(k, makeValue(i + op));
          model.set(k, makeValue(i + op));
        } else if (roll < 0.55) {
          expect(map.delete(k)).toBe(model.delete(k));
        } else if (roll < 0.7) {
          expect(map.getOrInsert(k, makeValue(i))).toEqual(model.has(k) ? model.get(k) : (model.set(k, makeValue(i)), makeValue(i)));
        } else {
          expect(map.get(k)).toEqual(model.get(k));
          expect(map.has(k)).toBe(model.has(k));
        }
      }
      // Mid-growth: iteration sees each key once; invariants hold with both tables live.
      expectSameAs(map, model);
    }
    expect(forced).toBeGreaterThan(1);
    expectSameAs(map, model);
  });

  it('an iteration started before a growth sees every key once after it', async () => {
    const map: AnyMap = await ConcurrentMap.create({ key, value, module: await debugModule() });
    const core = coreExports(map);
    const stable = new Map<unknown, unknown>();
    for (let i = 0; i < 2000; i++) {
      map.set(makeKey(i), makeValue(i));
      stable.set(makeKey(i), makeValue(i));
    }
    const seen = new Map<unknown, unknown>();
    let step = 0;
    for (const [k, v] of map) {
      expect(seen.has(k)).toBe(false);
      seen.set(k, v);
      // While iterating: grow (both kinds), and add and remove keys outside the stable set.
      if (step % 300 === 0 && !map.stats().growing) core.forceGrowth(step % 600 === 0);
      map.set(makeKey(100_000 + step), makeValue(step));
      if (step > 10) map.delete(makeKey(100_000 + step - 10));
      step++;
    }
    for (const [k, v] of stable) expect(seen.get(k)).toEqual(v);
    expect(checkInvariants(map)).toBe(0);
  });
});

describe('same-size growth', () => {
  it('compacts a table whose chains were grown and emptied, and frees the old table', async () => {
    const map: AnyMap = await ConcurrentMap.create({ key: 'number', value: 'number', module: await debugModule() });
    const core = coreExports(map);
    for (let i = 0; i < 50_000; i++) map.set(i, i);
    for (let i = 0; i < 50_000; i++) if (i % 50 !== 0) map.delete(i);
    const before = map.stats();
    expect(core.forceGrowth(true)).toBe(1);
    // Writes finish a growth: each evacuates its own old bucket and one more from the cursor.
    for (let i = 0; map.stats().growing; i++) map.set(-1 - (i % 100), i);
    const after = map.stats();
    expect(after.buckets).toBe(before.buckets);
    expect(after.overflowBuckets).toBeLessThanOrEqual(before.overflowBuckets);
    for (let i = 0; i < 50_000; i += 50) expect(map.get(i)).toBe(i);
    expect(checkInvariants(map)).toBe(0);
  });
});
