// Test 5, readers never see a value of another key. Values encode their key (number: value %
// keySpace === key; string: "val:<key>:<version>:<length>:" + filler, checked in full).
//
// Roles (by index): even threads write, odd threads read (2 threads: one of each; 4: two each).
// Keys [0, stable) are only ever overwritten, never deleted, so a reader must find every one of
// them, every time. Keys [stable, stable + churn) are overwritten, deleted and re-inserted, and
// each writer also inserts and deletes fresh filler keys of its own above that range, so the
// table grows during the run. Writers also read back (their reads race with the other writer).
// String values vary in size (64 to ~2,000 bytes) so replaced blobs are retired and their memory
// handed out again quickly: a reader that copied a blob after it was freed would see it changed.
//
// With `deletes: false` nothing is ever deleted (no churn range, fillers stay): every key read
// that was ever inserted must be found, which isolates the read path from delete bugs.
//
// Returns counts: `foreign` values that do not belong to the key read (must be 0), `stableMissing`
// stable keys read as absent (must be 0), and reads done.
import {
  mulberry32, threadSeed, randInt, keyString, numberValue, numberValueKey, stringValue, checkStringValue,
} from './common.mjs';

export default function valueIntegrity(map, { index, threads, args }) {
  const { kind, stable, ops, seed, deletes } = args;
  const churn = deletes ? args.churn : 0;
  const keySpace = 1 << 24; // above every key used here
  const rand = mulberry32(threadSeed(seed, index));
  const isWriter = index % 2 === 0;
  const writerIndex = index >> 1;
  const mk = (key) => (kind === 'number' ? key : keyString(key));
  const valueOf = (key, version) =>
    kind === 'number' ? numberValue(key, version, keySpace) : stringValue(key, version, 64 + ((key * 31 + version * 17) % 1984));
  const belongs = (key, value) =>
    kind === 'number' ? numberValueKey(value, keySpace) === key : checkStringValue(value, key) >= 0;
  const result = { foreign: 0, stableMissing: 0, reads: 0, examples: [] };
  const check = (key, value) => {
    result.reads++;
    if (value === undefined) {
      if (key < stable) {
        result.stableMissing++;
        if (result.examples.length < 5) result.examples.push({ what: 'stable key missing', key });
      }
    } else if (!belongs(key, value)) {
      result.foreign++;
      if (result.examples.length < 5) result.examples.push({ what: 'foreign value', key, value: String(value).slice(0, 60) });
    }
  };
  const fillerBase = stable + churn + writerIndex * ops;
  let fillerNext = 0;
  let fillerOldest = 0;
  let version = index * ops; // distinct versions per thread, so two writers never store equal values
  for (let i = 0; i < ops; i++) {
    const r = rand();
    if (isWriter) {
      if (r < 0.45) {
        const key = randInt(rand, stable + churn);
        map.set(mk(key), valueOf(key, ++version));
      } else if (r < 0.55 && deletes) {
        const key = stable + randInt(rand, churn);
        map.delete(mk(key));
      } else if (r < 0.7) {
        const key = fillerBase + fillerNext++;
        map.set(mk(key), valueOf(key, ++version));
      } else if (r < 0.75 && deletes && fillerOldest < fillerNext) {
        map.delete(mk(fillerBase + fillerOldest++));
      } else {
        const key = randInt(rand, stable + churn);
        check(key, map.get(mk(key)));
      }
    } else {
      const key = r < 0.8 ? randInt(rand, stable) : stable + randInt(rand, churn);
      check(key, map.get(mk(key)));
    }
  }
  return result;
}
