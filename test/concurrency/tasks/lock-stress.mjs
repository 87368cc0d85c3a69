// Test 6, lock stress with zero spins: every thread adds 1 to the same key `ops` times, on a map
// created with lockSpins 0, so every contended acquisition goes straight to the sleeping path
// (LOCK_WAITERS, then Atomics.wait through the core's waitLock import). With `mode: 'update'`
// the increments go through update() (get + compareAndSet, each a locked operation) instead.
//
// Forced overlap: with `words` (a barrier, words[0..1]), the threads meet every `roundOps`
// operations, so no thread can run its whole share while another is not scheduled (on 2 cores
// that happens, and the lock then sees no contention at all).
import { barrier } from './common.mjs';

export default function lockStress(map, { threads, args }) {
  const { key, ops, mode, words, roundOps = ops } = args;
  for (let done = 0; done < ops; done += roundOps) {
    if (words) barrier(words, 0, threads);
    const end = Math.min(ops, done + roundOps);
    if (mode === 'update') {
      for (let i = done; i < end; i++) map.update(key, (v) => (v ?? 0) + 1);
    } else {
      for (let i = done; i < end; i++) map.add(key, 1);
    }
  }
  return ops;
}
