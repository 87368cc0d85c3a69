// One bucket, two kinds of writer: an overwrite that holds no lock (fast64.ts casLive, C1–C6 in
// assembly/README.md) against deletes and inserts of the same bucket.
//
// A map of at most 6 entries is one bucket (B = 0, or 1 after the one doubling a race of the
// size counters may cause: harness.ts ONE_DOUBLING). Thread 0 deletes and re-inserts keys 3..5
// all the time. The other threads overwrite keys 0..2, each thread its own, and now and then
// delete one of theirs and insert it again. Every write is read back. Were a delete to move
// another entry into the hole (as it does in maps whose overwrites take the lock), an overwrite
// that found its key's slot could store into a slot the key has just left: the write is lost
// (read back as an older value) or lands on another key (a foreign value).
//
// On two cores that window is a few nanoseconds wide, so the overwriters widen it with the debug
// core's writeStall hook (assembly/hooks.ts): `stall` spins between finding the slot and storing.
//
// Keys are numbers or short strings (args.keyKind: common.mjs bucketKey).
//
// Returns counts: lost writes, foreign values (both must be 0), and the writes done.
import { coreExports } from 'sharemap/testing';
import { mulberry32, threadSeed, randInt, bucketKey, numberValue, numberValueKey, exampleNoter } from './common.mjs';

const STABLE = 3;
const KEYS = 6;
const KEY_SPACE = 1 << 24;

export default function oneBucketWriters(map, { index, threads, args }) {
  const { ops, seed, words, stall, keyKind } = args;
  const k = (key) => bucketKey(keyKind, key);
  const rand = mulberry32(threadSeed(seed, index));
  const result = { lost: 0, foreign: 0, writes: 0, examples: [] };
  const note = exampleNoter(result);
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
