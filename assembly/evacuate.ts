// Growth: the old and new tables, the evacuation cursor, the X/Y split.
//
// A growth (steps G1–G6 in assembly/README.md) replaces the table with one of 2^(B+1) buckets
// (doubling, when count > 6.5 × 2^B) or of 2^B buckets (same-size, when overflow buckets pile up).
// Nobody stops the world: every writer first evacuates the old bucket its key hashes to, plus
// the one at the cursor (Go's growWork), and only then writes to the new table. Old bucket i
// moves to new bucket i (X) and, when doubling, i + 2^oldB (Y), by hash bit oldB.
//
// Invariants:
//  - a new bucket receives entries only from its one old bucket, and only while that old bucket
//    is locked and not yet EVACUATED; so at evacuation time its destinations are empty and private;
//  - readers and writers go to the new table only after seeing the old bucket EVACUATED, which is
//    stored after the copy (G4: that SC store publishes the copy);
//  - an old bucket is EVACUATED exactly once, so the `evacuated` counter reaches the bucket count
//    exactly once, and that thread ends the growth (G5) and retires the old table (G6).

import { reachTable } from "./view";
import { currentRoot, rootEntries } from "./root";
import {
  MAP_HEADER, HDR_TABLES_GEN, ROOT_TABLE, ROOT_OLD_TABLE, ROOT_GROW_LOCK, TBL_NEVACUATE,
  TBL_EVACUATED, BKT_LOCK, BKT_VERSION, bucketBytes, BUCKET_SLOTS, VERSION_EVACUATED, VERSION_WRITING,
  VALUE_MOVED, VALUE_TOMBSTONE, TOPHASH_DELETED, isTombstoneValue,
  VERSION_STEP, TBL_B, TBL_BUCKET_MASK, TBL_NEXT, TBL_SIZE_BYTES, TBL_OVERFLOW_COUNT,
  LOAD_FACTOR_NUM, LOAD_FACTOR_DEN, maxB, tableBucket, tableBytes, tableB, tableMask, tableNext,
} from "./layout";
import {
  tophashes, usedSlots, isDeleted, overflowOf, slotKey, slotValue, casSlotValue, setSlotValue,
  version, setTophash, setSlot, setOverflow, beginWrite, endWrite,
} from "./bucket";
import { overwritesByCas } from "./map";
import { lock, unlock, tryLock, load32, store32, add32, cas32 } from "./lock";
import { allocZeroed, free } from "./alloc";
import { retire, epochNow } from "./epoch";
import { keyHash } from "./keys";
import { tophash } from "./hash";
import { OK, OUT_OF_MEMORY } from "./status";

/** How far one growWork may move the cursor over buckets that others already evacuated. */
const CURSOR_STEPS: u32 = 8;

@inline export function isEvacuated(head: usize): bool {
  return (version(head) & VERSION_EVACUATED) != 0;
}

/** A zeroed table of 2^B buckets, or 0 when the memory is exhausted. */
export function newTable(B: u32): usize {
  const bytes = tableBytes(B);
  const table = allocZeroed(bytes);
  if (table == 0) return 0;
  store<u32>(table, B, TBL_B);
  store<u32>(table, (<u32>1 << B) - 1, TBL_BUCKET_MASK);
  store<u32>(table, bytes, TBL_SIZE_BYTES);
  return table;
}

/**
 * G1–G3: starts a growth of `table` if it is still the current table, none is running and the
 * table is too full (doubling) or has as many overflow buckets as buckets (same-size). Called by
 * a writer that just linked an overflow bucket, after unlocking its chain.
 */
export function maybeGrow(table: usize, keyKind: u32, seed: u64): void {
  if (load32(currentRoot() + ROOT_OLD_TABLE) != 0) return;
  const B = tableB(table);
  const buckets = <i64>1 << B;
  let newB: u32;
  if (rootEntries() * LOAD_FACTOR_DEN > buckets * LOAD_FACTOR_NUM) {
    if (B >= maxB()) return;
    newB = B + 1;
  } else if (<i64>load32(table, TBL_OVERFLOW_COUNT) >= buckets) {
    newB = B;
  } else {
    return;
  }
  startGrowth(table, newB);
}

/**
 * G2–G3: installs a table of 2^newB buckets as the current one, with `table` as the old one, if
 * `table` is still current and no growth is running. False if it did not (another thread won,
 * or no memory: then chains just get longer).
 */
export function startGrowth(table: usize, newB: u32): bool {
  const root = currentRoot();
  const growLock = root + ROOT_GROW_LOCK;
  if (!tryLock(growLock)) return false; // someone else is starting one
  let started = false;
  if (load32(root + ROOT_TABLE) == <u32>table && load32(root + ROOT_OLD_TABLE) == 0) {
    const next = newTable(newB);
    if (next != 0) {
      store32(table, <u32>next, TBL_NEXT);
      store32(root + ROOT_OLD_TABLE, <u32>table); // G2: before G3, so whoever sees the new table sees the old one
      store32(root + ROOT_TABLE, <u32>next); // G3
      started = true;
    }
  }
  unlock(growLock);
  return started;
}

/**
 * Go's growWork: evacuates the old bucket `hash` maps to, then one more from the cursor.
 * Returns OUT_OF_MEMORY when the first could not be evacuated (nothing changed); the caller may
 * then work in the old bucket itself (map.ts, lockChain).
 */
export function growWork(old: usize, hash: u64, keyKind: u32, seed: u64): i32 {
  const status = evacuate(old, <u32>hash & tableMask(old), true, keyKind, seed);
  if (status != OK) return status;
  const buckets = tableMask(old) + 1;
  const cursor = old + TBL_NEVACUATE;
  let index = load32(cursor);
  if (index < buckets) evacuate(old, index, false, keyKind, seed);
  // The cursor only ever passes EVACUATED buckets, so every bucket is reached in the end, even
  // one whose evacuation failed for lack of memory once.
  for (let step: u32 = 0; step < CURSOR_STEPS && index < buckets; step++) {
    if (!isEvacuated(tableBucket(old, index))) break;
    cas32(cursor, index, index + 1);
    index = load32(cursor);
  }
  return OK;
}

/**
 * G4: copies old bucket `index` into the next table and marks it EVACUATED. With `wait` false it
 * skips a bucket whose lock is taken (its holder is evacuating it or writing to it).
 */
export function evacuate(old: usize, index: u32, wait: bool, keyKind: u32, seed: u64): i32 {
  const oldHead = tableBucket(old, index);
  if (isEvacuated(oldHead)) return OK;
  const lockWord = oldHead + BKT_LOCK;
  if (wait) lock(lockWord);
  else if (!tryLock(lockWord)) return OK;
  if (isEvacuated(oldHead)) {
    unlock(lockWord);
    return OK;
  }
  const next = tableNext(old);
  reachTable(old); // view.ts: either may lie in memory another thread grew
  reachTable(next);
  const oldB = tableB(old);
  const doubling = tableB(next) != oldB;
  const xHead = tableBucket(next, index);
  const yHead = doubling ? tableBucket(next, index + (<u32>1 << oldB)) : 0;
  let xTail = xHead, yTail = yHead;
  let xUsed: u32 = 0, yUsed: u32 = 0;
  let added: u32 = 0;
  // C5: where overwrites take no lock, each value is taken with a CAS to MOVED, so that a CAS
  // either came before the swap (and is copied) or fails and goes to the new table (freezeValue).
  // Readers must not return MOVED: the bracket makes them retry until EVACUATED.
  const freeze = overwritesByCas();
  if (freeze) beginWrite(oldHead);
  let bucket = oldHead;
  while (bucket != 0) {
    const tops = tophashes(bucket);
    const used = usedSlots(tops);
    for (let slot: u32 = 0; slot < used; slot++) {
      if (isDeleted(tops, slot)) continue; // a tombstone is left behind
      const value = freeze ? freezeValue(bucket, slot) : slotValue(bucket, slot);
      if (freeze && isTombstoneValue(value)) continue; // hardened by freezeValue: left behind too
      const key = slotKey(bucket, slot);
      const hash = keyHash(key, keyKind, seed);
      const toY = doubling && ((hash >> oldB) & 1) != 0;
      let tail = toY ? yTail : xTail;
      let tailUsed = toY ? yUsed : xUsed;
      if (tailUsed == BUCKET_SLOTS) {
        const fresh = allocZeroed(bucketBytes());
        if (fresh == 0) {
          if (freeze) {
            setSlotValue(bucket, slot, value); // not copied: thaw stops at it
            thaw(oldHead, xHead, yHead, doubling, oldB, keyKind, seed);
            endWrite(oldHead);
          }
          rollBack(xHead, yHead);
          unlock(lockWord);
          return OUT_OF_MEMORY;
        }
        setOverflow(tail, fresh);
        tail = fresh;
        tailUsed = 0;
        added++;
      }
      // Destinations are private until EVACUATED is stored below, so no version bracket here.
      setSlot(tail, tailUsed, key, value);
      setTophash(tail, tailUsed, tophash(hash));
      if (toY) { yTail = tail; yUsed = tailUsed + 1; } else { xTail = tail; xUsed = tailUsed + 1; }
    }
    if (used < BUCKET_SLOTS) break;
    bucket = overflowOf(bucket);
  }
  if (added != 0) add32(next, added, TBL_OVERFLOW_COUNT);
  // G4: publish. Readers still in the old chain see the version change and retry (R6).
  store32(oldHead, ((version(oldHead) & ~VERSION_WRITING) + VERSION_STEP) | VERSION_EVACUATED, BKT_VERSION);
  let overflow = overflowOf(oldHead);
  while (overflow != 0) {
    const after = overflowOf(overflow);
    retire(overflow, bucketBytes());
    add32(old, <u32>-1, TBL_OVERFLOW_COUNT);
    overflow = after;
  }
  unlock(lockWord);
  if (add32(old, 1, TBL_EVACUATED) + 1 == tableMask(old) + 1) finishGrowth(old);
  return OK;
}

/**
 * C5, C7: takes the value of (bucket, slot) of a chain being evacuated, where overwrites, deletes
 * and inserts of a key with a soft tombstone take no lock: a live value becomes MOVED, so that a
 * CAS that found it fails and goes to the new table; a soft tombstone is hardened (value
 * TOMBSTONE, tophash DELETED), so that no insert revives the key in the old chain after its
 * copy. A CAS loop, since those writes may come first. Returns the value it replaced.
 */
function freezeValue(bucket: usize, slot: u32): u64 {
  let value = slotValue(bucket, slot);
  while (true) {
    const dead = isTombstoneValue(value);
    const seen = casSlotValue(bucket, slot, value, dead ? VALUE_TOMBSTONE | <u64>epochNow() : VALUE_MOVED);
    if (seen == value) {
      if (dead) setTophash(bucket, slot, TOPHASH_DELETED);
      return value;
    }
    value = seen;
  }
}

/**
 * Before a rollback where values were frozen: puts back each MOVED value of the old chain from
 * its copy, which the destinations hold in the old chain's order, X and Y apart.
 */
function thaw(oldHead: usize, xHead: usize, yHead: usize, doubling: bool, oldB: u32, keyKind: u32, seed: u64): void {
  let x = xHead, y = yHead;
  let xAt: u32 = 0, yAt: u32 = 0;
  let bucket = oldHead;
  while (bucket != 0) {
    const tops = tophashes(bucket);
    const used = usedSlots(tops);
    for (let slot: u32 = 0; slot < used; slot++) {
      if (isDeleted(tops, slot)) continue;
      if (slotValue(bucket, slot) != VALUE_MOVED) return; // the copy stopped before this entry
      const toY = doubling && ((keyHash(slotKey(bucket, slot), keyKind, seed) >> oldB) & 1) != 0;
      if (toY) {
        if (yAt == BUCKET_SLOTS) { y = overflowOf(y); yAt = 0; }
        setSlotValue(bucket, slot, slotValue(y, yAt++));
      } else {
        if (xAt == BUCKET_SLOTS) { x = overflowOf(x); xAt = 0; }
        setSlotValue(bucket, slot, slotValue(x, xAt++));
      }
    }
    if (used < BUCKET_SLOTS) break;
    bucket = overflowOf(bucket);
  }
}

/** Undoes a partial copy: the destinations were private, so emptying them is enough. */
function rollBack(xHead: usize, yHead: usize): void {
  rollBackChain(xHead);
  if (yHead != 0) rollBackChain(yHead);
}

function rollBackChain(head: usize): void {
  let overflow = overflowOf(head);
  while (overflow != 0) {
    const after = overflowOf(overflow);
    free(overflow, bucketBytes()); // never published: free, not retire
    overflow = after;
  }
  store<u64>(head, 0); // tophash bytes: empty
  setOverflow(head, 0);
}

/** G5–G6: the last old bucket is done: drop the old table and retire its memory. */
function finishGrowth(old: usize): void {
  store32(currentRoot() + ROOT_OLD_TABLE, 0); // G5
  add32(MAP_HEADER + HDR_TABLES_GEN, 1); // unpinned readers that read `old` retry from here on
  retire(old, load<u32>(old, TBL_SIZE_BYTES)); // G6
}
