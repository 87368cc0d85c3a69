// Epoch-based reclamation: pin, retire, collect. With lock.ts, the only file that calls atomic.*.
//
// Memory that a writer unlinks (a replaced blob, an emptied overflow bucket, an evacuated table)
// may still be read by a thread that found it a moment earlier. So it is retired, not freed: it
// waits in the retiring thread's bin until every thread pinned at the time has unpinned.
//
// Steps (assembly/README.md, "Reclamation"):
//   E1 pin:     slot.epoch = global | PINNED (an SC store, ordered before every read that follows)
//   E2 retire:  after unlinking, push the block on the bin of the current global epoch
//   E3 collect: the global epoch moves from e to e + STEP only when every pinned thread is at e;
//               a bin retired at epoch r is freed once the global epoch is r + 2 × STEP or more
//   E4 unpin:   slot.epoch = 0 (an SC store, ordered after every read before it)
// A thread that pinned with a stale epoch only holds the collector back; it is never unsafe.
//
// Three bins per thread, indexed by (epoch / STEP) mod 3: when a bin comes round again its old
// contents are three steps old, hence safe, and are freed before reuse. A thread that closes
// hands what is not yet safe to the orphan bins in the map header, which collectors drain.

import {
  MAP_HEADER, HDR_EPOCH, HDR_ORPHAN_LOCK, HDR_ORPHAN_BINS, EPOCH_PINNED, EPOCH_STEP, RETIRE_BINS,
  RETIRE_BIN_SIZE, BIN_HEAD, BIN_EPOCH, RETIRED_RECORD_BYTES, RETIRED_NEXT, RETIRED_SIZE,
  COLLECT_EVERY, TS_EPOCH, TS_RETIRE_BINS, TS_RETIRE_COUNT, threadSlot,
} from "./layout";
import { selfSlot, threadHigh } from "./thread";
import { free, blockSize } from "./alloc";
import { lock, unlock, tryLock } from "./lock";

@inline function globalEpoch(): u32 { return atomic.load<u32>(MAP_HEADER + HDR_EPOCH); }

/** The global epoch: a tombstone records it (table.ts chainBury) and ages by it (isAged). */
@inline export function epochNow(): u32 { return globalEpoch(); }

/**
 * Whether a slot deleted when the global epoch read `buried` may take another key now. A writer
 * that could still CAS the slot's old value pinned before the delete, so at an epoch of at most
 * buried + STEP (the deleter was pinned itself, which holds the global epoch below its own + 2
 * steps); while it stays pinned the global epoch stays below buried + 3 steps (C4 in
 * assembly/README.md).
 */
@inline export function isAged(buried: u32, now: u32): bool {
  return now - buried >= 3 * EPOCH_STEP;
}

/** E1. Writers, iterators and evacuators call this first; readers validate instead (R1). */
@inline export function pin(): void {
  atomic.store<u32>(selfSlot(), globalEpoch() | EPOCH_PINNED, TS_EPOCH);
}

/** E4. */
@inline export function unpin(): void {
  atomic.store<u32>(selfSlot(), 0, TS_EPOCH);
}

/** Epochs are compared by distance so that the u32 counter may wrap. */
@inline function isSafe(retiredAt: u32, now: u32): bool {
  return now - retiredAt >= 2 * EPOCH_STEP;
}

@inline function binAt(base: usize, epoch: u32): usize {
  return base + <usize>((epoch / EPOCH_STEP) % RETIRE_BINS) * RETIRE_BIN_SIZE;
}

/** Where the record of a block at `ptr`, allocated as `sizeBytes`, sits: its last 8 bytes. */
@inline function recordOf(ptr: usize, sizeBytes: u32): usize {
  return ptr + <usize>blockSize(sizeBytes) - RETIRED_RECORD_BYTES;
}

/** The block whose record is at `record`. */
@inline function blockOf(record: usize): usize {
  return record + RETIRED_RECORD_BYTES - <usize>blockSize(load<u32>(record, RETIRED_SIZE));
}

/**
 * E2. Hands `ptr`, allocated as sizeBytes, to the reclaimer; its record goes in the block's last
 * 8 bytes, which a stale search of a bucket or table never reads (layout.ts RETIRED_RECORD_BYTES).
 * Preconditions: the block is unreachable for any thread that pins from now on; the caller is pinned.
 */
export function retire(ptr: usize, sizeBytes: u32): void {
  if (ptr == 0) return;
  const now = globalEpoch();
  const bin = binAt(selfSlot() + TS_RETIRE_BINS, now);
  let head = load<u32>(bin, BIN_HEAD);
  if (head != 0 && load<u32>(bin, BIN_EPOCH) != now) {
    // Same bin index, other epoch: it is three steps old, so nobody can still see it.
    freeChain(head);
    head = 0;
  }
  const record = recordOf(ptr, sizeBytes); // at the end: pinned threads may still search the block
  store<u32>(record, head, RETIRED_NEXT);
  store<u32>(record, sizeBytes, RETIRED_SIZE);
  store<u32>(bin, <u32>record, BIN_HEAD);
  store<u32>(bin, now, BIN_EPOCH);
  tick();
}

/**
 * Counts one retirement, or one tombstone (which ages only as the epoch moves, and a map of
 * inline keys and values retires nothing on delete), and every COLLECT_EVERY of them collects.
 */
export function tick(weight: u32 = 1): void {
  const slot = selfSlot();
  const retired = load<u32>(slot, TS_RETIRE_COUNT) + weight;
  if (retired >= COLLECT_EVERY) {
    store<u32>(slot, 0, TS_RETIRE_COUNT);
    collect();
  } else {
    store<u32>(slot, retired, TS_RETIRE_COUNT);
  }
}

/** E3. Advances the epoch if every pinned thread has seen it, then frees what became safe. */
export function collect(): void {
  const now = globalEpoch();
  let canAdvance = true;
  const high = threadHigh();
  for (let i: u32 = 0; i < high; i++) {
    const seen = atomic.load<u32>(threadSlot(i), TS_EPOCH);
    if ((seen & EPOCH_PINNED) != 0 && (seen & ~EPOCH_PINNED) != now) {
      canAdvance = false;
      break;
    }
  }
  if (canAdvance) atomic.cmpxchg<u32>(MAP_HEADER + HDR_EPOCH, now, now + EPOCH_STEP);
  const after = globalEpoch();
  freeSafeBins(selfSlot() + TS_RETIRE_BINS, after);
  const orphans = MAP_HEADER + HDR_ORPHAN_LOCK;
  if (tryLock(orphans)) {
    freeSafeBins(MAP_HEADER + HDR_ORPHAN_BINS, after);
    unlock(orphans);
  }
}

/**
 * Called by a closing thread (after its last unpin): frees its bins that are safe and moves the
 * rest to the orphan bins, so a closed thread pins nothing and leaks nothing. reclaimNow calls it
 * too: the orphan bins are drained by every thread's collect, so blocks handed off are freed
 * even if this thread never retires again.
 */
export function handOffRetired(): void {
  const own = selfSlot() + TS_RETIRE_BINS;
  const now = globalEpoch();
  freeSafeBins(own, now);
  const orphanLock = MAP_HEADER + HDR_ORPHAN_LOCK;
  lock(orphanLock);
  for (let i: u32 = 0; i < RETIRE_BINS; i++) {
    const bin = own + <usize>i * RETIRE_BIN_SIZE;
    const head = load<u32>(bin, BIN_HEAD);
    if (head == 0) continue;
    const epoch = load<u32>(bin, BIN_EPOCH);
    const orphan = MAP_HEADER + HDR_ORPHAN_BINS + <usize>i * RETIRE_BIN_SIZE;
    let orphanHead = load<u32>(orphan, BIN_HEAD);
    if (orphanHead != 0 && load<u32>(orphan, BIN_EPOCH) != epoch) {
      // Same index, other epoch: the older of the two is three steps old. Ours was not safe,
      // so the orphan bin is the older one.
      freeChain(orphanHead);
      orphanHead = 0;
    }
    let tail: usize = head;
    while (load<u32>(tail, RETIRED_NEXT) != 0) tail = load<u32>(tail, RETIRED_NEXT);
    store<u32>(tail, orphanHead, RETIRED_NEXT);
    store<u32>(orphan, head, BIN_HEAD);
    store<u32>(orphan, epoch, BIN_EPOCH);
    store<u32>(bin, 0, BIN_HEAD);
  }
  unlock(orphanLock);
}

/**
 * After a large retirement by a thread that may retire nothing more for a long time: a
 * promotion of strategy 'read-mostly' (readmostly.ts, M7) retires whole tables, and it is often
 * a reader that promotes. A thread's bins are freed only by its own collects, which come every
 * COLLECT_EVERY retires, so the old tables would stay allocated until then. Two collects (E3)
 * move the epoch two steps if no thread pins at an older epoch meanwhile, which is what a block
 * retired now needs to be safe: then it is freed here. What is still unsafe goes to the orphan
 * bins, for the next collect of any thread.
 * Preconditions: unpinned (a pinned caller would hold back the second step itself).
 */
export function reclaimNow(): void {
  collect();
  collect();
  handOffRetired();
}

function freeSafeBins(bins: usize, now: u32): void {
  for (let i: u32 = 0; i < RETIRE_BINS; i++) {
    const bin = bins + <usize>i * RETIRE_BIN_SIZE;
    const head = load<u32>(bin, BIN_HEAD);
    if (head != 0 && isSafe(load<u32>(bin, BIN_EPOCH), now)) {
      store<u32>(bin, 0, BIN_HEAD);
      freeChain(head);
    }
  }
}

function freeChain(head: usize): void {
  let node = head;
  while (node != 0) {
    const next = load<u32>(node, RETIRED_NEXT);
    free(blockOf(node), load<u32>(node, RETIRED_SIZE));
    node = next;
  }
}
