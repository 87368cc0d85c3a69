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
//   'slide': deletes and inserts without the lock (C7). Thread 0 slides a window of WINDOW live
//     keys: it deletes the oldest and inserts a fresh one, so the chains fill with soft
//     tombstones, which its inserts harden and, once aged, give to fresh keys. The other threads
//     set and delete keys of the window and of the BEHIND keys before it (revivals of soft
//     tombstones, and deletes), held between finding the slot and the CAS; thread 0 deletes
//     each key as it falls out of their reach. Were a hardened tombstone given to a fresh key
//     before every writer that matched the old key had unpinned (C4, counted from the
//     hardening), a stalled set would store into the fresh key: a foreign value.
//   'revive': thread 0 deletes and adds 1 to its own counters, held between finding the slot and
//     the CAS; the other threads insert fresh keys, so the table keeps growing. Each counter
//     holds 1 after its add. Were an evacuation to leave a soft tombstone as it is (C7: it
//     hardens it), an add that found it would revive the key in the old chain after its copy:
//     the counter lost.
//   'stale': thread 0 sets and deletes its own keys and logs which are present; the other threads
//     insert fresh keys, so the table keeps growing and its chains have overflow buckets. Thread
//     0 is held after following an overflow link (the debug core's linkStall), long enough for
//     the chain to be evacuated and its overflow buckets retired. Were retire to write its
//     record over a retired bucket's tophashes rather than its padding (E2), a delete that then
//     missed its key would answer "absent" of a key that is present in the new table (C2).
//   'growth': thread 0 adds 1 to its own counters (keys COUNTER_BASE + j) and counts its adds;
//     the other threads insert fresh keys all along, so the table keeps doubling and evacuating.
//     Were an evacuation to copy a value without freezing it (C5: swap to MOVED), an add that
//     found its key in the table being evacuated would CAS into the old copy: a lost add.
//
// Returns { foreign, examples } (must be 0, []), the writes done, and for 'growth' thread 0's
// adds per counter.
import { coreExports } from 'sharemap/testing';
import { mulberry32, threadSeed, randInt, bucketKey, numberValue, numberValueKey, exampleNoter } from './common.mjs';

const KEYS = 6;
/** Thread 0's rounds of churn that the other threads of 'delete', 'clear' and 'iterate' wait for. */
const MIN_CHURN = 200;
const WINDOW = 6;
const BEHIND = 12;
const KEY_SPACE = 1 << 24;
const COUNTER_BASE = 1 << 30;

export default function casRaces(map, { index, threads, args }) {
  const { race, ops, seed, words, stall, keyKind } = args;
  const rand = mulberry32(threadSeed(seed, index));
  const result = { foreign: 0, writes: 0, examples: [], adds: [] };
  const note = exampleNoter(result);
  const done = () => Atomics.load(words, 0) >= threads - 1;
  const finish = () => Atomics.add(words, 0, 1);

  if (race === 'slide') return slide(map, index, args, rand, result, note, done, finish);
  if (race === 'stale') return stale(map, index, threads, args, rand, result, note, done, finish);
  if (race === 'growth' || race === 'revive') {
    if (index === 0) {
      const counters = args.counters;
      result.adds = new Array(counters).fill(0);
      coreExports(map).setWriteStall(stall);
      try {
        // At least `ops`, and on until every inserter has inserted its range: the adds span the
        // whole growth, however the threads are scheduled.
        for (let i = 0; i < ops || !done(); i++) {
          const j = randInt(rand, counters);
          if (race === 'revive') {
            map.delete(COUNTER_BASE + j);
            const sum = map.add(COUNTER_BASE + j, 1);
            const held = map.get(COUNTER_BASE + j);
            if (sum !== 1 || held !== 1) {
              result.foreign++;
              note('counter after delete and add', j, { sum, held });
            }
          } else {
            map.add(COUNTER_BASE + j, 1);
            result.adds[j]++;
          }
          result.writes++;
        }
      } finally {
        coreExports(map).setWriteStall(0);
      }
      return result;
    }
    // Inserters: their own range of fresh keys, so that the table's final size is known.
    try {
      for (let key = index * args.insertsPerThread, end = key + args.insertsPerThread; key < end; key++) {
        map.set(key, key);
        result.writes++;
      }
    } finally {
      finish();
    }
    return result;
  }

  const k = (key) => bucketKey(keyKind, key);
  if (race === 'iterate' && index > 0) {
    const indexOf = (key) => (keyKind === 'string' ? Number(key.at(-1)) : key);
    coreExports(map).setReadStall(stall);
    try {
      for (let i = 0; i < ops || Atomics.load(words, 1) < MIN_CHURN; i++) {
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
    for (let round = 1; !done(); round++) {
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
      Atomics.store(words, 1, round);
      check(randInt(rand, KEYS));
    }
    return result;
  }
  coreExports(map).setWriteStall(stall);
  try {
    // At least `ops`, and on until thread 0 has churned MIN_CHURN times: with four threads on two
    // cores, the others once finished before thread 0 had run at all.
    for (let i = 0; i < ops || Atomics.load(words, 1) < MIN_CHURN; i++) {
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

/** The 'slide' race (see the top of this file). Keys are numbers or short strings (in their slot). */
function slide(map, index, { ops, words, stall, keyKind }, rand, result, note, done, finish) {
  const k = (i) => (keyKind === 'string' ? 's:' + i : i);
  const check = (i) => {
    const value = map.get(k(i));
    if (value !== undefined && numberValueKey(value, KEY_SPACE) !== i) {
      result.foreign++;
      note('foreign value', i, value);
    }
  };
  let version = 0;
  if (index === 0) {
    for (let i = 0; i < WINDOW; i++) map.set(k(i), numberValue(i, ++version, KEY_SPACE));
    Atomics.store(words, 1, WINDOW);
    for (let next = WINDOW; !done() && next < KEY_SPACE; next++) {
      map.delete(k(next - WINDOW));
      // Out of the others' reach, and again later for a revival by a thread that read an old front.
      if (next >= WINDOW + BEHIND) map.delete(k(next - WINDOW - BEHIND));
      if (next >= WINDOW + 2 * BEHIND) map.delete(k(next - WINDOW - 2 * BEHIND));
      map.set(k(next), numberValue(next, ++version, KEY_SPACE));
      Atomics.store(words, 1, next + 1);
      result.writes++;
      check(next - randInt(rand, WINDOW + BEHIND));
    }
    return result;
  }
  while (Atomics.load(words, 1) === 0) Atomics.wait(words, 1, 0, 1);
  coreExports(map).setWriteStall(stall);
  try {
    for (let op = 0; op < ops; op++) {
      const front = Atomics.load(words, 1);
      const i = front - 1 - randInt(rand, Math.min(front, WINDOW + BEHIND - 1));
      if (rand() < 0.5) map.set(k(i), numberValue(i, ++version, KEY_SPACE));
      else map.delete(k(i));
      result.writes++;
      check(i);
    }
  } finally {
    coreExports(map).setWriteStall(0);
    finish();
  }
  return result;
}

/** The 'stale' race (see the top of this file). */
function stale(map, index, threads, { ops, stall, ownKeys, insertsPerThread }, rand, result, note, done, finish) {
  if (index === 0) {
    const present = new Uint8Array(ownKeys);
    coreExports(map).setLinkStall(stall);
    try {
      // At least `ops`, and on until every inserter has inserted its range (as 'growth').
      for (let i = 0; i < ops || !done(); i++) {
        const j = randInt(rand, ownKeys);
        const key = COUNTER_BASE + j;
        if (present[j]) {
          if (!map.delete(key)) {
            result.foreign++;
            note('delete of a present key answered absent', key, map.get(key));
          }
          present[j] = 0;
        } else {
          map.set(key, j);
          present[j] = 1;
        }
        result.writes++;
      }
    } finally {
      coreExports(map).setLinkStall(0);
    }
    result.adds = Array.from(present);
    return result;
  }
  try {
    for (let key = index * insertsPerThread, end = key + insertsPerThread; key < end; key++) {
      map.set(key, key);
      result.writes++;
    }
  } finally {
    finish();
  }
  return result;
}
