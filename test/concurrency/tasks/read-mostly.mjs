// Strategy 'read-mostly' with real threads (test/concurrency/read-mostly.test.ts). Two modes:
//  - 'insert': thread 0 writes, every other thread reads keys that are live in the snapshot
//    (`readKeys`). The writer inserts `newKeys` fresh keys (they go to the dirty table) in chunks,
//    and between inserts replaces the value of a read key now and then (in place, under rmLock).
//    Forced interleaving: after each chunk the writer waits until every reader has completed a
//    whole pass over its keys that began after the chunk was published (words[CHUNK], each
//    reader's words[PASS + i]), so every reader reads while the dirty table holds keys and the
//    writer keeps taking rmLock. Readers check that every key is found, that its value belongs
//    to it, and that a key's version never goes back.
//  - 'read': thread 0 reads `readKeys` `rounds` times over (no writer): these are keys of the
//    dirty table, so the reads miss the snapshot, take rmLock, and count misses until one of them
//    promotes. Forced interleaving first: every other thread gets one key of the dirty table with
//    the debug core's missStall hook on (assembly/hooks.ts), so that its get, having missed the
//    snapshot, waits before it looks at the dirty table's count until a promotion has published
//    (tablesGen moves). Thread 0 starts reading only once they have all announced that get
//    (words[STALLING]), and needs thousands of misses before it promotes. Then the others read
//    `readKeys` `rounds` times over too. Each reports the stalled get's value and whether a
//    promotion happened during it.
// Values are numberValue(key, version): the test knows each key's final version from the results.
import { coreExports } from 'sharemap/testing';
import { barrier, bump, signal, waitAtLeast, numberValue, numberValueKey } from './common.mjs';

export const KEY_SPACE = 1 << 20;
const CHUNK = 2;
const WRITER_DONE = 3;
const PASS = 4;
const STALLING = PASS; // 'read' only: other threads inside their stalled get (PASS is for 'insert')
/** missStall's bound: far beyond thousands of misses and a copy, so only the promotion ends it. */
const STALL_SPINS = 2_000_000_000;
/** Words for `threads` threads: a barrier, CHUNK, WRITER_DONE, then one PASS word per thread. */
export const words = (threads) => PASS + threads;
/** The writer replaces the value of a read key after every this many inserts. */
const REPLACE_EVERY = 7;

export default function readMostly(map, { index, threads, args }) {
  const { mode, words: w, readKeys: [readFrom, readTo], newKeys: [newFrom, newTo], chunks, rounds, startVersion } = args;
  const result = { index, reads: 0, wrong: [], versions: {} };
  const versions = new Map(); // key -> the highest version this thread read (readers)
  const check = (key) => {
    const value = map.get(key);
    result.reads++;
    const version = value === undefined ? -1 : Math.floor(value / KEY_SPACE);
    const last = versions.get(key) ?? 0;
    if (value === undefined || numberValueKey(value, KEY_SPACE) !== key || version < last) {
      if (result.wrong.length < 5) result.wrong.push({ key, value: value ?? null, last });
      return;
    }
    versions.set(key, version);
  };
  const pass = () => {
    for (let key = readFrom; key < readTo; key++) check(key);
  };

  barrier(w, 0, threads);
  if (mode === 'read') {
    if (index === 0) {
      waitAtLeast(w, STALLING, threads - 1);
    } else {
      const x = coreExports(map);
      const promotions = x.readMostlyCounter(1);
      x.setMissStall(STALL_SPINS);
      bump(w, STALLING);
      const value = map.get(readFrom);
      x.setMissStall(0);
      result.stalled = { value: value ?? null, promotedDuring: x.readMostlyCounter(1) > promotions };
    }
    for (let round = 0; round < rounds; round++) pass();
    return result;
  }
  if (index !== 0) {
    for (;;) {
      const chunk = Atomics.load(w, CHUNK);
      const done = Atomics.load(w, WRITER_DONE) !== 0;
      pass();
      signal(w, PASS + index, chunk);
      if (done) return result;
    }
  }
  // The writer: new keys at version 1; read keys replaced at versions startVersion + 1, + 2…
  // (startVersion: the highest any of them has). Reports each replaced key's last version.
  const perChunk = Math.ceil((newTo - newFrom) / chunks);
  let replaced = 0;
  for (let chunk = 1, key = newFrom; key < newTo; chunk++) {
    const end = Math.min(newTo, key + perChunk);
    for (; key < end; key++) {
      map.set(key, numberValue(key, 1, KEY_SPACE));
      if (key % REPLACE_EVERY === 0) {
        const target = readFrom + (replaced++ % (readTo - readFrom));
        const version = (result.versions[target] ?? startVersion) + 1;
        map.set(target, numberValue(target, version, KEY_SPACE));
        result.versions[target] = version;
      }
    }
    signal(w, CHUNK, chunk);
    for (let reader = 1; reader < threads; reader++) {
      for (let seen = Atomics.load(w, PASS + reader); seen < chunk; seen = Atomics.load(w, PASS + reader)) {
        Atomics.wait(w, PASS + reader, seen);
      }
    }
  }
  signal(w, WRITER_DONE, 1);
  return result;
}
