// One bucket whose slots pass from key to key: the race that a reader's version re-check (R6 in
// assembly/README.md) exists for in maps whose deletes leave tombstones.
//
// In a 'concurrent' map with inline values a delete leaves its key's tombstone in the slot (C7),
// and re-inserting the same key takes that slot back, so a reader of a churn over a fixed set of
// keys never sees a slot change hands. Here the writer inserts fresh keys only: key n, then the
// delete of key n - WINDOW. A map of at most WINDOW + 1 entries is one bucket (B = 0), so once
// its 8 slots are used every insert needs a tombstone's slot, hardens one and, when its grace
// period is over, reuses it for the new key (C5-C6, map.ts ageTombstones): a slot that held key
// n - WINDOW now holds key n + 1 and its value. A reader that matched key n - WINDOW's tophash and
// key word and then read the value word without re-checking the bucket's version could return
// key n + 1's value for key n - WINDOW. Readers do not pin, so nothing holds the grace period for
// them; the debug core's readStall (assembly/hooks.ts) holds them `stall` spins between the key
// and the value, long enough for the writer's delete and the reusing insert.
//
// The map starts with keys 0..WINDOW - 1 (prefill below), and word 1 of `words` with WINDOW - 1.
// Thread 0 writes fresh keys up to `ops` (and on until each reader has read `minReads` times)
// and publishes the newest in word 1 (word 0: done; word r + 1 counts reader r's reads).
// Readers look up the window's keys, the one just deleted and the next ones, with get and has;
// every value encodes its key (common.mjs numberValue). Returns counts: foreign values (must be
// 0), window keys missed by get or has (must be 0: such a key was present from before the lookup
// to after it), and reads done.
import { coreExports } from 'sharemap/testing';
import { mulberry32, threadSeed, randInt, numberValue, numberValueKey, signal, exampleNoter } from './common.mjs';

/** Live keys besides the newest: WINDOW + 1 entries at most, one bucket. */
export const WINDOW = 4;
const KEY_SPACE = 1 << 24;
/** Reader words start past the writer's two. */
const FIRST_READER_WORD = 2;

/** The map's and the words' state before the run: the window's first keys, the newest published. */
export function prefill(map, words) {
  for (let key = 0; key < WINDOW; key++) map.set(key, numberValue(key, 1, KEY_SPACE));
  Atomics.store(words, 1, WINDOW - 1);
}

export default function oneBucketReuse(map, { index, threads, args }) {
  const { ops, seed, words, stall, minReads = 0 } = args;
  const rand = mulberry32(threadSeed(seed, index));
  const result = { foreign: 0, windowMissing: 0, reads: 0, examples: [] };
  if (index === 0) {
    try {
      const readersShort = () => {
        for (let r = 1; r < threads; r++) if (Atomics.load(words, FIRST_READER_WORD + r - 1) < minReads) return true;
        return false;
      };
      for (let key = Atomics.load(words, 1) + 1; key < ops || readersShort(); key++) {
        map.set(key, numberValue(key, 1, KEY_SPACE));
        Atomics.store(words, 1, key);
        map.delete(key - WINDOW);
      }
    } finally {
      signal(words, 0, 1);
    }
    return result;
  }
  coreExports(map).setReadStall(stall);
  const note = exampleNoter(result);
  while (Atomics.load(words, 0) === 0) {
    for (let i = 0; i < 1000; i++) {
      // The newest key before the lookup: keys newest - WINDOW + 1 .. newest stay present until
      // the writer has inserted another key after it, so until after this lookup only if the
      // newest is the same after it. Also the key deleted last and the next one to come.
      const newest = Atomics.load(words, 1);
      const key = newest - WINDOW + randInt(rand, WINDOW + 2);
      const value = map.get(key);
      const present = map.has(key);
      result.reads++;
      if (value !== undefined && numberValueKey(value, KEY_SPACE) !== key) {
        result.foreign++;
        note('foreign value', key, value);
      }
      const stayed = key > newest - WINDOW && key <= newest && Atomics.load(words, 1) === newest;
      if (stayed && (value === undefined || !present)) {
        result.windowMissing++;
        note(value === undefined ? 'window key missing from get' : 'window key missing from has', key, value);
      }
    }
    Atomics.store(words, FIRST_READER_WORD + index - 1, Math.min(result.reads, 2 ** 31 - 1));
  }
  return result;
}
