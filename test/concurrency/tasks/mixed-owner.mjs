// Test 4, growth under mixed writes. Keys are partitioned by owner (key % threads === index):
// only the owner writes a key, so it knows exactly what the map must hold for it and checks
// every read of its own keys against its log; other threads' keys are read too, and those values
// must at least belong to the key read. The keys a thread touches widen over the first half of
// the run, so the map (starting at one bucket) keeps growing while inserts, overwrites, deletes
// and reads race. Returns the owner's final state: [key, version] for each key it left present.
import {
  mulberry32, threadSeed, randInt, ownedKey, keyString, numberValue, numberValueKey,
  stringValue, checkStringValue,
} from './common.mjs';

export const valueOf = (kind, key, version, keySpace) =>
  kind === 'number' ? numberValue(key, version, keySpace) : stringValue(key, version, 8 + ((key + version) % 160));

export default function mixedOwner(map, { index, threads, args }) {
  const { kind, ownKeys, ops, seed } = args;
  const keySpace = ownKeys * threads;
  const rand = mulberry32(threadSeed(seed, index));
  const version = new Int32Array(ownKeys); // 0: absent; otherwise the version present
  let nextVersion = 1;
  const bad = { ownWrong: 0, otherWrong: 0, deleteWrong: 0, getOrInsertWrong: 0, examples: [] };
  const note = (what, key, got, want) => {
    if (bad.examples.length < 5) bad.examples.push({ what, key, got, want });
  };
  const mk = (key) => (kind === 'number' ? key : keyString(key));
  const belongs = (key, value) =>
    kind === 'number' ? numberValueKey(value, keySpace) === key : checkStringValue(value, key) >= 0;

  for (let i = 0; i < ops; i++) {
    const window = Math.min(ownKeys, 16 + Math.floor((2 * i * ownKeys) / ops));
    const j = randInt(rand, window);
    const key = ownedKey(index, threads, j);
    const r = rand();
    if (r < 0.4) {
      const v = nextVersion++;
      map.set(mk(key), valueOf(kind, key, v, keySpace));
      version[j] = v;
    } else if (r < 0.6) {
      const had = map.delete(mk(key));
      if (had !== (version[j] !== 0)) {
        bad.deleteWrong++;
        note('delete', key, had, version[j] !== 0);
      }
      version[j] = 0;
    } else if (r < 0.65) {
      const v = nextVersion++;
      const got = map.getOrInsert(mk(key), valueOf(kind, key, v, keySpace));
      const want = version[j] !== 0 ? valueOf(kind, key, version[j], keySpace) : valueOf(kind, key, v, keySpace);
      if (got !== want) {
        bad.getOrInsertWrong++;
        note('getOrInsert', key, got, want);
      }
      if (version[j] === 0) version[j] = v;
    } else if (r < 0.85) {
      const got = map.get(mk(key));
      const want = version[j] !== 0 ? valueOf(kind, key, version[j], keySpace) : undefined;
      if (got !== want) {
        bad.ownWrong++;
        note('get own', key, got, want);
      }
    } else {
      const other = randInt(rand, Math.min(keySpace, window * threads));
      const got = map.get(mk(other));
      if (got !== undefined && !belongs(other, got)) {
        bad.otherWrong++;
        note('get other', other, got, undefined);
      }
    }
  }
  const present = [];
  for (let j = 0; j < ownKeys; j++) if (version[j] !== 0) present.push([ownedKey(index, threads, j), version[j]]);
  return { bad, present };
}
