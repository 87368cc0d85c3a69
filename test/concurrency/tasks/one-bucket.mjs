// One bucket, rewritten all the time: the race that the reader's version checks exist for
// (R5/R6 in assembly/README.md, on both read paths: map.ts and fast64.ts).
//
// A map of at most 6 entries is one bucket (B = 0, load factor 6.5), so each delete of the
// writer moves the bucket's last entry into the hole (table.ts chainRemove) and each insert
// fills the last slot again. A reader that matched a key and then read the value slot without
// re-checking the version can return the value of the key that moved in; one that trusted a
// chain in the middle of a write can miss a key that was there all along.
//
// That holds where deletes move entries: with string values, and in the strategies that lock
// overwrites. A 'concurrent' map with number values leaves a tombstone instead (C7), which the
// same key takes back, so there no slot changes hands here: one-bucket-reuse.mjs is that race.
//
// On two cores that window is a few nanoseconds wide, so readers widen it with the debug core's
// readStall hook (assembly/hooks.ts): `stall` spins between matching the key and reading the value.
//
// Thread 0 writes: keys 0..2 are only overwritten, keys 3..5 deleted and re-inserted. The others
// read every key with get and has until the writer is done (word 0 of `words`; word r + 1 counts
// reader r's reads, and the writer goes on past `ops` until each has done args.minReads). Values encode
// their key (common.mjs numberValue, or stringValue where args.valueKind is 'string'); keys are
// numbers or short strings (args.keyKind: common.mjs bucketKey). With args.publish, the writer
// waits that many spins between storing an inserted entry's words and its tophash (the debug
// core's publishStall): with string values a delete moves entries and leaves the last slot's old
// words behind, so a reader that saw the tophash before the value word was stored would pair the
// new key with another key's value. Returns counts: foreign values and stable keys missed
// (both must be 0), and reads done.
import { coreExports } from 'sharemap/testing';
import {
  mulberry32, threadSeed, randInt, bucketKey, numberValue, numberValueKey, stringValue, checkStringValue, signal, exampleNoter,
} from './common.mjs';

const STABLE = 3;
const KEYS = 6;
const KEY_SPACE = 1 << 24;

/** Value `version` of key `key`, as the map's value kind stores it. */
export const bucketValue = (valueKind, key, version) =>
  valueKind === 'string' ? stringValue(key, version, 12 + (version % 20)) : numberValue(key, version, KEY_SPACE);

/** Whether `value` is one of key `key`'s values. */
export const isBucketValue = (valueKind, key, value) =>
  valueKind === 'string' ? checkStringValue(value, key) >= 0 : numberValueKey(value, KEY_SPACE) === key;

export default function oneBucket(map, { index, threads, args }) {
  const { ops, seed, words, stall, keyKind, valueKind = 'number', publish = 0, minReads = 0 } = args;
  const k = (key) => bucketKey(keyKind, key);
  const rand = mulberry32(threadSeed(seed, index));
  const result = { foreign: 0, stableMissing: 0, reads: 0, examples: [] };
  if (index === 0) {
    let version = 0;
    coreExports(map).setPublishStall(publish);
    try {
      // `ops` writes, and on until every reader has read `minReads` times (word r + 1 for
      // reader r): faster writes, or readers given less CPU by the tests beside this one, must
      // not leave the race under-exercised.
      const readersShort = () => {
        for (let r = 1; r < threads; r++) if (Atomics.load(words, r) < minReads) return true;
        return false;
      };
      for (let i = 0; i < ops || readersShort(); i++) {
        const key = randInt(rand, KEYS);
        if (key >= STABLE && map.delete(k(key))) continue;
        map.set(k(key), bucketValue(valueKind, key, ++version));
      }
    } finally {
      coreExports(map).setPublishStall(0);
      signal(words, 0, 1);
    }
    return result;
  }
  coreExports(map).setReadStall(stall);
  const note = exampleNoter(result);
  while (Atomics.load(words, 0) === 0) {
    for (let i = 0; i < 1000; i++) {
      const key = randInt(rand, KEYS);
      const value = map.get(k(key));
      result.reads++;
      if (value === undefined) {
        if (key < STABLE) { result.stableMissing++; note('stable key missing from get', key); }
      } else if (!isBucketValue(valueKind, key, value)) {
        result.foreign++;
        note('foreign value', key, value);
      }
      if (key < STABLE && !map.has(k(key))) { result.stableMissing++; note('stable key missing from has', key); }
    }
    Atomics.store(words, index, Math.min(result.reads, 2 ** 31 - 1));
  }
  return result;
}
