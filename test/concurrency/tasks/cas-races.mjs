// The races of an overwrite without the lock (assembly/README.md, C1–C6): the writer finds its
// key's slot and then CASes the value word, holding nothing but its epoch pin. Between the two,
// the debug core's writeStall (assembly/hooks.ts) holds it for `stall` spins, so that the other
// threads do within that window what they would do once in a million runs otherwise.
//
// args.race picks the race:
//   'delete': a one-bucket map (keys 0-5, common.mjs bucketKey). Thread 0 deletes random keys
//     and sets random keys (a missing one is inserted, into a tombstone old enough if there is
//     one: C6). The other threads set random keys with values that name their key. Were a
//     tombstone given to another key before every writer that found the old one had unpinned
//     (C4), a stalled set would store into that other key: a foreign value.
//   'clear': the same, but thread 0 clears the map and inserts the six keys again in a random
//     order. Were clear to empty the chain instead of burying its entries (C5), the stalled set
//     would land on whichever key took the slot.
//   'iterate': thread 0 deletes and sets as in 'delete'; the other threads iterate the map with
//     the debug core's readStall between each slot's key and value, and check each entry. A
//     delete buries its entry with no version bracket (C5), so an iterator that read the tophash
//     before the burial and the value word after it reads a tombstone, and must skip it (R6a).
//   'growth': thread 0 adds 1 to its own counters (keys COUNTER_BASE + j) and counts its adds;
//     the other threads insert fresh keys all along, so the table keeps doubling and evacuating.
//     Were an evacuation to copy a value without freezing it (C5: swap to MOVED), an add that
//     found its key in the table being evacuated would CAS into the old copy: a lost add.
//
// Returns { foreign, examples } (must be 0, []), the writes done, and for 'growth' thread 0's
// adds per counter.
import { coreExports } from 'sharemap/testing';
import { mulberry32, threadSeed, randInt, bucketKey, numberValue, numberValueKey } from './common.mjs';

const KEYS = 6;
const KEY_SPACE = 1 << 24;
const COUNTER_BASE = 1 << 30;

export default function casRaces(map, { index, threads, args }) {
  const { race, ops, seed, words, stall, keyKind } = args;
  const rand = mulberry32(threadSeed(seed, index));
  const result = { foreign: 0, writes: 0, examples: [], adds: [] };
  const note = (what, key, value) => { if (result.examples.length < 5) result.examples.push({ what, key, value }); };
  const done = () => Atomics.load(words, 0) >= (race === 'growth' ? 1 : threads - 1);
  const finish = () => Atomics.add(words, 0, 1);

  if (race === 'growth') {
    if (index === 0) {
      const counters = args.counters;
      result.adds = new Array(counters).fill(0);
      coreExports(map).setWriteStall(stall);
      try {
        for (let i = 0; i < ops; i++) {
          const j = randInt(rand, counters);
          map.add(COUNTER_BASE + j, 1);
          result.adds[j]++;
          result.writes++;
        }
      } finally {
        coreExports(map).setWriteStall(0);
        finish();
      }
      return result;
    }
    // Inserters: fresh keys of their own, until the counting thread is done or the range ends.
    for (let key = index * args.insertsPerThread, end = key + args.insertsPerThread; key < end && !done(); key++) {
      map.set(key, key);
      result.writes++;
    }
    return result;
  }

  const k = (key) => bucketKey(keyKind, key);
  if (race === 'iterate' && index > 0) {
    const indexOf = (key) => (keyKind === 'string' ? Number(key.at(-1)) : key);
    coreExports(map).setReadStall(stall);
    try {
      for (let i = 0; i < ops; i++) {
        for (const [key, value] of map.entries()) {
          if (numberValueKey(value, KEY_SPACE) !== indexOf(key)) {
            result.foreign++;
            note('foreign value from entries()', key, value);
          }
        }
        result.writes++;
      }
    } finally {
      coreExports(map).setReadStall(0);
      finish();
    }
    return result;
  }
  const check = (key) => {
    const value = map.get(k(key));
    if (value !== undefined && numberValueKey(value, KEY_SPACE) !== key) {
      result.foreign++;
      note('foreign value', key, value);
    }
  };
  let version = 0;
  if (index === 0) {
    while (!done()) {
      if (race === 'clear') {
        map.clear();
        const order = [0, 1, 2, 3, 4, 5];
        for (let i = KEYS - 1; i > 0; i--) {
          const j = randInt(rand, i + 1);
          [order[i], order[j]] = [order[j], order[i]];
        }
        for (const key of order) map.set(k(key), numberValue(key, ++version, KEY_SPACE));
      } else {
        map.delete(k(randInt(rand, KEYS)));
        const key = randInt(rand, KEYS);
        map.set(k(key), numberValue(key, ++version, KEY_SPACE));
      }
      result.writes++;
      check(randInt(rand, KEYS));
    }
    return result;
  }
  coreExports(map).setWriteStall(stall);
  try {
    for (let i = 0; i < ops; i++) {
      const key = randInt(rand, KEYS);
      map.set(k(key), numberValue(key, ++version, KEY_SPACE));
      result.writes++;
      check(key);
      check(randInt(rand, KEYS));
    }
  } finally {
    coreExports(map).setWriteStall(0);
    finish();
  }
  return result;
}
