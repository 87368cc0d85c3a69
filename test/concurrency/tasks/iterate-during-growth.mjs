// Test 7, iteration during growth. Thread 0 iterates (entries()); the others insert fresh keys
// of their own ranges (growing the table), delete some of them again, and overwrite the stable
// keys' values (a stable key is never deleted). Per pass the iterator checks: no key twice,
// every stable key seen, every value belongs to its key.
//
// Forced interleaving, per phase (one pass each), with words[] in a SharedArrayBuffer:
//   1. all threads meet at a barrier (words[0..1]);
//   2. the iterator consumes about half of its pass, while the writers overwrite and delete
//      (racing with it, unforced);
//   3. the iterator stores the map's bucket count (words[PASS_BUCKETS]), signals MID and blocks;
//      the writers insert fresh keys until a table has started a growth past that count (so one
//      doubling per phase, however many writers), plus a few hundred more so the evacuation is under
//      way but, since only writers drive it, not finished; each writer then counts itself DONE.
//      The bucket count, not B: stats().B is the widest table's, and a strategy with several
//      tables grows one that is not the widest ('read-mostly' inserts into its dirty table, which
//      the promotion at the start of each pass leaves at B = 0 beside a wide snapshot);
//   4. when every writer is DONE, the iterator resumes its pass, now across a growth it did not
//      start in: chains EVACUATED under it, keys moved to the wider table. The next pass starts
//      with that growth still in progress (the old table narrower than the iteration width).
// So every pass straddles a growth start, which no timing-based overlap would guarantee.
import {
  mulberry32, threadSeed, randInt, keyString, keyNumber, numberValue, numberValueKey,
  stringValue, checkStringValue, barrier, bump, waitAtLeast,
} from './common.mjs';

const KEY_SPACE = 1 << 26;
const MID = 2;
const DONE = 3;
const PASS_BUCKETS = 4;
export const WORDS = 5;
/** Inserts after a writer sees the growth start, before it lets the iterator resume. */
const AFTER_GROWTH_STARTED = 300;
/** Unforced overwrites/deletes a writer does at most while the iterator reads the first half. */
const RACY_OPS = 5_000;

export const valueOf = (kind, key, version) =>
  kind === 'number' ? numberValue(key, version, KEY_SPACE) : stringValue(key, version, 24 + ((key + version) % 200));

export default function iterateDuringGrowth(map, { index, threads, args }) {
  const { kind, stable, perWriter, passes, seed, words } = args;
  const mk = (key) => (kind === 'number' ? key : keyString(key));
  const writers = threads - 1;

  if (index === 0) {
    const result = {
      passes: 0, duplicates: 0, stableMissed: 0, foreign: 0, grewMidPass: 0, growingWhenResumed: 0,
      maxSeen: 0, examples: [],
    };
    const note = (e) => { if (result.examples.length < 5) result.examples.push(e); };
    for (let phase = 0; phase < passes; phase++) {
      barrier(words, 0, threads);
      const half = Math.floor(map.size / 2);
      const seen = new Set();
      let stableSeen = 0;
      let resumed = false;
      for (const [k, value] of map.entries()) {
        const key = kind === 'number' ? k : keyNumber(k);
        if (seen.has(key)) {
          result.duplicates++;
          note({ what: 'duplicate', key, pass: phase });
        }
        seen.add(key);
        if (key < stable) stableSeen++;
        const belongs = kind === 'number' ? numberValueKey(value, KEY_SPACE) === key : checkStringValue(value, key) >= 0;
        if (!belongs) {
          result.foreign++;
          note({ what: 'foreign value', key, value: String(value).slice(0, 40) });
        }
        if (!resumed && seen.size >= half) {
          const bucketsBefore = map.stats().buckets;
          Atomics.store(words, PASS_BUCKETS, bucketsBefore);
          bump(words, MID); // step 3
          waitAtLeast(words, DONE, (phase + 1) * writers); // step 4
          resumed = true;
          const now = map.stats();
          if (now.buckets > bucketsBefore) result.grewMidPass++;
          if (now.growing) result.growingWhenResumed++;
        }
      }
      if (!resumed) { // a pass shorter than half the size: release the writers anyway
        Atomics.store(words, PASS_BUCKETS, map.stats().buckets);
        bump(words, MID);
        waitAtLeast(words, DONE, (phase + 1) * writers);
      }
      if (stableSeen !== stable) {
        result.stableMissed += stable - stableSeen;
        note({ what: 'stable keys missed', count: stable - stableSeen, pass: phase });
      }
      result.maxSeen = Math.max(result.maxSeen, seen.size);
      result.passes++;
    }
    return result;
  }

  const rand = mulberry32(threadSeed(seed, index));
  const base = stable + (index - 1) * perWriter;
  let inserted = 0;
  let deleted = 0;
  let version = 1;
  const insertOne = () => {
    const key = base + inserted++;
    map.set(mk(key), valueOf(kind, key, version++));
  };
  for (let phase = 0; phase < passes; phase++) {
    barrier(words, 0, threads);
    // Step 2: unforced races with the first half of the pass.
    for (let i = 0; i < RACY_OPS && Atomics.load(words, MID) < phase + 1; i++) {
      if (rand() < 0.3 && deleted < inserted) {
        map.delete(mk(base + randInt(rand, inserted)));
        deleted++;
      } else {
        const key = randInt(rand, stable);
        map.set(mk(key), valueOf(kind, key, version++));
      }
    }
    waitAtLeast(words, MID, phase + 1);
    // Step 3: grow the table under the paused iterator.
    const buckets = Atomics.load(words, PASS_BUCKETS);
    while (inserted < perWriter) {
      insertOne();
      if ((inserted & 63) === 0 && map.stats().buckets > buckets) break;
    }
    for (let i = 0; i < AFTER_GROWTH_STARTED && inserted < perWriter; i++) insertOne();
    bump(words, DONE);
  }
  return { inserted, deleted };
}
