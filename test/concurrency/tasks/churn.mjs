// Test 9, memory reclamation under churn: string -> string, a bounded live set. Each thread
// owns the keys k with k % threads === index among [0, liveKeys) and, `ops` times, overwrites
// one (a new value of 100 to 1,300 bytes, so replaced blobs of many size classes are retired),
// or deletes and re-inserts one (retiring key and value blobs). Every thread samples
// stats().memoryUsed now and then and returns the largest it saw.
//
// With `attachCycles` > 0, thread 0 instead attaches the map again and closes it that many
// times during the churn (a second thread slot of its own), writing through each attachment
// before closing it: a closing thread hands its retired blocks to the orphan bins, which the
// others must drain, and its slot must not hold the epoch back.
import { ConcurrentMap } from 'sharemap';
import { mulberry32, threadSeed, randInt, ownedKey, keyString, stringValue } from './common.mjs';

export const valueOf = (key, version) => stringValue(key, version, 100 + ((key * 13 + version * 7) % 1200));

export default function churn(map, { index, threads, args }) {
  const { liveKeys, ops, seed, attachCycles } = args;
  const rand = mulberry32(threadSeed(seed, index));
  const own = Math.floor(liveKeys / threads);
  let maxUsed = 0;
  let version = 1;
  const step = (target) => {
    const key = ownedKey(index, threads, randInt(rand, own));
    if (rand() < 0.8) {
      target.set(keyString(key), valueOf(key, version++));
    } else {
      target.delete(keyString(key));
      target.set(keyString(key), valueOf(key, version++));
    }
  };
  if (index === 0 && attachCycles > 0) {
    const perCycle = Math.ceil(ops / attachCycles);
    for (let c = 0; c < attachCycles; c++) {
      const again = ConcurrentMap.attach(map.handle);
      for (let i = 0; i < perCycle; i++) step(again);
      maxUsed = Math.max(maxUsed, again.stats().memoryUsed);
      again.close();
    }
  } else {
    for (let i = 0; i < ops; i++) {
      step(map);
      if ((i & 1023) === 0) maxUsed = Math.max(maxUsed, map.stats().memoryUsed);
    }
  }
  return { maxUsed, version };
}
