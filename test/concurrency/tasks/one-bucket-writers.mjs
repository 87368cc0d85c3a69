// One bucket, two kinds of writer: the race the fast path's chain lock exists for (fast64.ts
// lockPresent, W3 in assembly/README.md).
//
// A map of at most 6 entries is one bucket (B = 0), so each delete moves the bucket's last entry
// into the hole (table.ts chainRemove). Thread 0 deletes and re-inserts keys 3..5 all the time.
// The other threads overwrite keys 0..2, each thread its own, and now and then delete one of
// theirs and insert it again: that puts it last in the bucket, where thread 0's next delete of
// a key before it moves it. Every write is read back. An overwrite (fast64.ts set of a present
// key) that found its key's slot without holding the chain lock could store into a slot the key
// has just left: the write is lost (read back as an older value) or lands on another key (a
// foreign value).
//
// On two cores that window is a few nanoseconds wide, so the overwriters widen it with the debug
// core's writeStall hook (assembly/hooks.ts): `stall` spins between finding the slot and storing.
//
// Keys are numbers or short strings (args.keyKind: common.mjs bucketKey).
//
// Returns counts: lost writes, foreign values (both must be 0), and the writes done.
import { coreExports } from 'sharemap/testing';
import { mulberry32, threadSeed, randInt, bucketKey, numberValue, numberValueKey } from './common.mjs';

const STABLE = 3;
const KEYS = 6;
const KEY_SPACE = 1 << 24;

export default function oneBucketWriters(map, { index, threads, args }) {
  const { ops, seed, words, stall, keyKind } = args;
  const k = (key) => bucketKey(keyKind, key);
  const rand = mulberry32(threadSeed(seed, index));
  const result = { lost: 0, foreign: 0, writes: 0, examples: [] };
  const note = (what, key, value) => { if (result.examples.length < 5) result.examples.push({ what, key, value }); };
  const check = (key) => {
    const value = map.get(k(key));
    if (value !== undefined && numberValueKey(value, KEY_SPACE) !== key) {
      result.foreign++;
      note('foreign value', key, value);
    }
  };
  if (index === 0) {
    let version = 0;
    while (Atomics.load(words, 0) < threads - 1) {
      const key = STABLE + randInt(rand, KEYS - STABLE);
      if (map.delete(k(key))) continue;
      map.set(k(key), numberValue(key, ++version, KEY_SPACE));
      check(key);
    }
    return result;
  }
  coreExports(map).setWriteStall(stall);
  const mine = [];
  for (let key = index - 1; key < STABLE; key += threads - 1) mine.push(key);
  let version = 0;
  for (let i = 0; i < ops && mine.length > 0; i++) {
    const key = mine[randInt(rand, mine.length)];
    const value = numberValue(key, ++version, KEY_SPACE);
    if (randInt(rand, 4) === 0) map.delete(k(key)); // so that the set below inserts it last
    map.set(k(key), value);
    result.writes++;
    const back = map.get(k(key));
    if (back !== value) {
      if (back !== undefined && numberValueKey(back, KEY_SPACE) !== key) result.foreign++;
      else result.lost++;
      note('read back after set', key, back);
    }
    for (let other = STABLE; other < KEYS; other++) check(other);
  }
  coreExports(map).setWriteStall(0);
  Atomics.add(words, 0, 1);
  return result;
}
