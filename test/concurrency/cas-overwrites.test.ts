// Overwrites without the lock (assembly/README.md, C1–C6): a set or add of a present key in a
// 'concurrent' map with inline values finds the key's slot and CASes its value word, holding
// only its epoch pin. Three things could move the slot's value word under it, and each has its
// guard (tasks/cas-races.mjs sets the races up):
//   - a delete, then an insert of another key into the same slot: the tombstone keeps its slot
//     from other keys until every writer that could have found it has unpinned (C4, C6);
//   - clear, then inserts: clear buries each entry as a delete does (C5);
//   - an evacuation: it swaps each value for MOVED before copying it (C5), so a late CAS fails.
// A delete buries its entry without a version bracket (C5), so readers take a tombstone for
// "absent" (R6a): iterators held between a slot's key and its value (readStall) must never
// yield a tombstone.
// Deletes, and inserts of a key whose soft tombstone is still in its slot, take no lock either
// (C7); their races: a hardened tombstone given to a fresh key while a stalled writer still
// holds the old key's slot ('slide'), an evacuation under a delete and re-insert ('revive'), and
// a delete that searches a chain evacuated meanwhile, whose overflow buckets are retired under
// it and must keep their tophashes ('stale').
// The writer is held between finding the slot and the CAS (assembly/hooks.ts writeStall), and
// every value read must belong to its key; the counters must be exact.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { ONE_DOUBLING, RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, seedFor, task } from './harness.js';
import { bucketKey, numberValue, numberValueKey, sharedWords } from './tasks/common.mjs';

/** Writer spins between finding its slot and its CAS (assembly/hooks.ts writeStall). */
const STALL_SPINS = 1_000;
/** Sets per overwriting thread in the one-bucket races. */
const SETS = 40_000;
const KEY_SPACE = 1 << 24;
/** Passes over the map per iterating thread, and its spins between a slot's key and value. */
const ITERATIONS = 20_000;
const ITERATE_STALL_SPINS = 200;
// The C7 races need the writer held long enough for another thread to delete its key, fill the
// chain and harden the tombstone ('slide'), or to grow the table from one bucket ('revive'):
// with the 1,000 spins above, neither test failed when tombstones were reused without aging.
const LONG_STALL_SPINS = 20_000;
// Rounds with fresh maps and seeds: with hardening that kept the delete's epoch, one round of
// 'slide' failed in 8 of 10 runs at 2 threads, and one round of 'revive' in about half.
const SLIDE_ROUNDS = 3;
const REVIVE_ROUNDS = 16;
const STALE_ROUNDS = 10;

interface RaceResult {
  foreign: number;
  writes: number;
  examples: unknown[];
  adds: number[];
}

/**
 * Runs one race of tasks/cas-races.mjs on `map` (`args.race` names it; the seed and a fresh
 * `words` of `wordCount` go in too) and expects no thread to have met another key's value.
 */
async function runRace(map: any, threads: number, seed: number, args: Record<string, unknown>, wordCount = 1) {
  const results = (await runWorkers({
    task: task('cas-races'), threads, map, timeoutMs: RUN_TIMEOUT_MS, args: { ...args, seed, words: sharedWords(wordCount) },
  })) as RaceResult[];
  expect(results.map(({ foreign, examples }) => ({ foreign, examples })), `seed ${seed}`)
    .toEqual(results.map(() => ({ foreign: 0, examples: [] })));
  return results;
}

const ONE_BUCKET = THREAD_COUNTS.flatMap((threads) =>
  (['delete', 'clear'] as const).flatMap((race) => (['number', 'string'] as const).map((keyKind) => [threads, race, keyKind] as const)));

describe.each(ONE_BUCKET)('set without the lock, one bucket, %i threads, against %s, %s keys', (threads, race, keyKind) => {
  it('every value read belongs to its key', async () => {
    const seed = seedFor(`cas ${race} ${threads} ${keyKind}`);
    const map: any = await debugMap({ key: keyKind, value: 'number', initialCapacity: 0 });
    for (let key = 0; key < 6; key++) map.set(bucketKey(keyKind, key), numberValue(key, 0, KEY_SPACE));
    const results = await runRace(map, threads, seed, { race, ops: SETS, stall: STALL_SPINS, keyKind }, 2);
    expect(results.slice(1).reduce((sum, r) => sum + r.writes, 0)).toBeGreaterThanOrEqual(SETS * (threads - 1));
    expect(results[0].writes).toBeGreaterThanOrEqual(200); // the churn ran alongside (MIN_CHURN)
    for (let key = 0; key < 6; key++) {
      const value = map.get(bucketKey(keyKind, key));
      if (value !== undefined) expect(numberValueKey(value, KEY_SPACE)).toBe(key);
    }
    expect(map.stats().B).toBeLessThanOrEqual(ONE_DOUBLING); // harness.ts says why not 0
    expect(checkInvariants(map)).toBe(0);
  });
});

describe.each(THREAD_COUNTS.flatMap((threads) => (['number', 'string'] as const).map((keyKind) => [threads, keyKind] as const)))(
  'entries() against deletes without a bracket, one bucket, %i threads, %s keys', (threads, keyKind) => {
    it('every entry yielded belongs to its key: no tombstone', async () => {
      const seed = seedFor(`cas iterate ${threads} ${keyKind}`);
      const map: any = await debugMap({ key: keyKind, value: 'number', initialCapacity: 0 });
      for (let key = 0; key < 6; key++) map.set(bucketKey(keyKind, key), numberValue(key, 0, KEY_SPACE));
      const results = await runRace(map, threads, seed, { race: 'iterate', ops: ITERATIONS, stall: ITERATE_STALL_SPINS, keyKind }, 2);
      expect(results.slice(1).reduce((sum, r) => sum + r.writes, 0)).toBeGreaterThanOrEqual(ITERATIONS * (threads - 1));
      expect(results[0].writes).toBeGreaterThanOrEqual(200); // the churn ran alongside (MIN_CHURN)
      expect(map.stats().B).toBeLessThanOrEqual(ONE_DOUBLING);
      expect(checkInvariants(map)).toBe(0);
    });
  });

describe.each(THREAD_COUNTS)('add without the lock while the table grows, %i threads', (threads) => {
  it('every add lands: each counter holds exactly the adds made to it', async () => {
    const seed = seedFor(`cas growth ${threads}`);
    const map: any = await debugMap({ key: 'number', value: 'number', initialCapacity: 0 });
    const counters = 64;
    const words = sharedWords(1);
    const results = (await runWorkers({
      task: task('cas-races'), threads, map, timeoutMs: RUN_TIMEOUT_MS,
      args: { race: 'growth', ops: 30_000, counters, insertsPerThread: 400_000, seed, words, stall: 2_000 },
    })) as RaceResult[];

    const { adds } = results[0];
    expect(results[0].writes).toBeGreaterThanOrEqual(30_000);
    expect(adds.reduce((sum, n) => sum + n, 0)).toBe(results[0].writes);
    const held = adds.map((_, j) => map.get((1 << 30) + j) ?? 0);
    expect(held, `seed ${seed}: counters that lost adds`).toEqual(adds);
    const inserted = results.slice(1).reduce((sum, r) => sum + r.writes, 0);
    expect(inserted).toBe(400_000 * (threads - 1));
    expect(map.size).toBe(inserted + adds.filter((n) => n > 0).length);
    expect(map.stats().B).toBeGreaterThan(10); // the table doubled many times during the adds
    expect(checkInvariants(map)).toBe(0);
  });
});

describe.each(THREAD_COUNTS.flatMap((threads) => (['number', 'string'] as const).map((keyKind) => [threads, keyKind] as const)))(
  'set and delete without the lock against hardened tombstones, %i threads, %s keys', (threads, keyKind) => {
    it('every value read belongs to its key', async () => {
      for (let round = 0; round < SLIDE_ROUNDS; round++) {
        const seed = seedFor(`cas slide ${threads} ${keyKind} ${round}`);
        const map: any = await debugMap({ key: keyKind, value: 'number', initialCapacity: 0 });
        const results = await runRace(map, threads, seed, { race: 'slide', ops: SETS, stall: LONG_STALL_SPINS, keyKind }, 2);
        expect(results.slice(1).reduce((sum, r) => sum + r.writes, 0)).toBe(SETS * (threads - 1));
        expect(results[0].writes).toBeGreaterThan(1_000); // the window slid past many hardened slots
        expect(checkInvariants(map)).toBe(0);
      }
    });
  });

describe.each(THREAD_COUNTS)('delete and add without the lock while the table grows, %i threads', (threads) => {
  it('each counter holds exactly its add after its delete', async () => {
    // Each round grows a fresh map from one bucket: the small tables double within one stall,
    // which is where an add held after finding its counter's soft tombstone meets the evacuation.
    for (let round = 0; round < REVIVE_ROUNDS; round++) {
      const seed = seedFor(`cas revive ${threads} ${round}`);
      const map: any = await debugMap({ key: 'number', value: 'number', initialCapacity: 0 });
      const counters = 64;
      const results = await runRace(map, threads, seed, {
        race: 'revive', ops: 2_000, counters, insertsPerThread: 30_000, stall: LONG_STALL_SPINS,
      });
      const touched = Array.from({ length: counters }, (_, j) => map.get((1 << 30) + j)).filter((v) => v !== undefined);
      expect(touched.every((v) => v === 1)).toBe(true);
      const inserted = results.slice(1).reduce((sum, r) => sum + r.writes, 0);
      expect(inserted).toBe(30_000 * (threads - 1));
      expect(map.size).toBe(inserted + touched.length);
      expect(map.stats().B).toBeGreaterThan(10); // the table doubled many times during the deletes and adds
      expect(checkInvariants(map)).toBe(0);
    }
  });
});

describe.each(THREAD_COUNTS)('delete without the lock in a chain evacuated meanwhile, %i threads', (threads) => {
  it('a delete of a present key finds it', async () => {
    for (let round = 0; round < STALE_ROUNDS; round++) {
      const seed = seedFor(`cas stale ${threads} ${round}`);
      const map: any = await debugMap({ key: 'number', value: 'number', initialCapacity: 0 });
      const ownKeys = 2_000;
      const results = await runRace(map, threads, seed, {
        // Held five times longer: the whole evacuation of the chain must fit in the stall.
        race: 'stale', ops: 20_000, ownKeys, insertsPerThread: 100_000, stall: 5 * LONG_STALL_SPINS,
      });
      const present = results[0].adds;
      for (let j = 0; j < ownKeys; j++) expect(map.get((1 << 30) + j), `own key ${j}`).toBe(present[j] ? j : undefined);
      expect(map.size).toBe(100_000 * (threads - 1) + present.filter((p) => p).length);
      expect(checkInvariants(map)).toBe(0);
    }
  });
});
