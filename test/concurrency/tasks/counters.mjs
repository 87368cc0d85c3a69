// Test 2, counters: every thread bumps the same few hot keys. The deltas come from a seeded PRNG,
// so each thread returns what it added per key and the test sums them exactly.
//   mode 'add':        map.add (the core's atomic counter), number or int32 values; for int32 the
//                      deltas are large so the sums wrap, and the expected sums wrap the same way.
//   mode 'update':     map.update(k, v => (v ?? 0) + 1), the facade's get + compare-and-set loop.
//   mode 'update-str': the same loop on string values ("<count>"), so compareAndSet compares blobs.
// Each thread also checks what add returns: with positive deltas, the sum it gets back for a key
// is never below what it has itself added to that key.
import { mulberry32, threadSeed, randInt } from './common.mjs';

export default function counters(map, { index, args }) {
  const { mode, keys, ops, seed, valueKind, keyKind } = args;
  const rand = mulberry32(threadSeed(seed, index));
  const keyOf = (k) => (keyKind === 'string' ? `hot-${k}` : k);
  const added = new Array(keys).fill(0);
  let belowOwn = 0;
  for (let i = 0; i < ops; i++) {
    const k = randInt(rand, keys);
    if (mode === 'add') {
      if (valueKind === 'int32') {
        const delta = randInt(rand, 0x7fffffff) - 0x3fffffff;
        added[k] = (added[k] + delta) | 0;
        map.add(keyOf(k), delta);
      } else {
        const delta = 1 + randInt(rand, 1000);
        added[k] += delta;
        if (map.add(keyOf(k), delta) < added[k]) belowOwn++;
      }
    } else if (mode === 'update') {
      added[k] += 1;
      const next = map.update(keyOf(k), (v) => (v ?? 0) + 1);
      if (next < added[k]) belowOwn++;
    } else {
      added[k] += 1;
      const next = map.update(keyOf(k), (v) => String(Number(v ?? '0') + 1));
      if (Number(next) < added[k]) belowOwn++;
    }
  }
  return { added, belowOwn };
}
