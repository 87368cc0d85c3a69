// Strategy 'read-mostly': Go's sync.Map over the same table code. Two roots (root.ts): root 0 holds
// the *read snapshot*, read lock-free by the optimistic readers of map.ts (R1–R7), and
// RM_DIRTY_ROOT holds the *dirty table*, where new keys go, under one map lock (`rmLock`).
// Readers that miss the snapshot fall back to the dirty table under the lock and count a miss;
// once the misses reach the map's size, the dirty table is *promoted*: a new snapshot holding
// both replaces the old one, which is retired through the epochs (never freed under a reader).
//
// Invariants (steps M1–M9 are in assembly/README.md, "Strategy 'read-mostly'"):
//  - the snapshot's structure never changes under readers: writes to a key live in it replace its
//    one value word in place (W6a, or W5–W7 for blobs), and a delete marks the value DELETED (M5,
//    sync.Map's nil);
//  - a key is live in at most one root: a key absent or DELETED in the snapshot is written in the
//    dirty table, so every write of a key goes to the root M4 names for it, under rmLock;
//  - `rmDirty` counts the dirty table's entries; 0 means lookups that miss need no lock (M1);
//  - readers of keys live in the snapshot write no shared memory and take no lock.
//
// Roles: any thread reads; writers, readers that fall back, promotion, clear, the start of an
// iteration and each of its batches hold rmLock. Differences from sync.Map: a Store of a key
// live in the snapshot takes the lock here (Go's is a CAS on a shared entry, which a slot holding
// the value itself cannot share between two tables), and a DELETED entry falls back to the dirty
// table (Go's expunged entry is shared with the dirty map instead).

import { reachTable } from "./view";
import {
  MAP_HEADER, HDR_ROOT, HDR_TABLES_GEN, HDR_RM_LOCK, HDR_RM_DIRTY, HDR_RM_MISSES,
  HDR_RM_LOCKED_READS, HDR_RM_PROMOTIONS, HDR_RM_RETRY_AT, HDR_RM_FAILED, RM_DIRTY_ROOT,
  ROOT_TABLE, ROOT_OLD_TABLE, bucketBytes, BUCKET_SLOTS, KEY_BLOB, VALUE_DELETED, maxB,
  LOAD_FACTOR_NUM, LOAD_FACTOR_DEN, TBL_SIZE_BYTES, tableBucket, tableMask,
  tableB,
} from "./layout";
import { OK, INSERTED, FOUND, NOT_FOUND } from "./status";
import { lock, unlock, load32, store32, add32 } from "./lock";
import { pin, unpin, retire, reclaimNow } from "./epoch";
import { free } from "./alloc";
import { totalCount } from "./thread";
import { tophash } from "./hash";
import { keyHash, retireKey } from "./keys";
import { tophashes, usedSlots, overflowOf, slotKey, slotValue } from "./bucket";
import { chainInsert, tablesGen } from "./table";
import { newTable, isEvacuated } from "./evacuate";
import { clearRoot } from "./clear";
import { iterateRoots, iterationWidth } from "./iterate";
import { useReadRoot, useDirtyRoot, currentRoot } from "./root";
import { mapKeyKind, mapSeed } from "./map";
import * as ops from "./map";
import { settle, getValue, lastStatus } from "./fast64";
import { missStall } from "./hooks";

const LOCK: usize = MAP_HEADER + HDR_RM_LOCK;
const READ_ROOT: usize = MAP_HEADER + HDR_ROOT;

/** Values come in as f64: any NaN becomes the canonical one, so none is VALUE_DELETED. */
@inline function canonical(value: f64): f64 { return value != value ? NaN : value; }

// ── Readers ────────────────────────────────────────────────────────────────────────────────────
export function getReadMostly(key: f64): i32 {
  stagedKey = key;
  useReadRoot();
  const gen = tablesGen();
  let status = ops.getLive(key); // M1: lock-free, writes nothing shared
  if (status != NOT_FOUND || missIsAnswer(gen)) return status;
  lock(LOCK); // M2
  status = lockedRead(true);
  unlock(LOCK);
  return status;
}

/**
 * getReadMostly, answering as fast64.ts getValue does: the value itself, or NaN and lastStatus().
 * M1 through fast64's getValue in the snapshot: it knows neither DELETED nor the dirty table, but
 * DELETED is a NaN, and a NaN (or a blob value) sends this read to getReadMostly, which answers in
 * full. So only a number it returns is trusted: a live hit, lock-free. A miss with an empty dirty
 * table is the answer too (lastStatus() already says NOT_FOUND).
 */
export function getValueReadMostly(key: f64): f64 {
  useReadRoot();
  const gen = tablesGen();
  const value = getValue(key); // M1
  if (value == value || (lastStatus() == NOT_FOUND && missIsAnswer(gen))) return value;
  return settle(getReadMostly(key));
}

export function hasReadMostly(key: f64): i32 {
  stagedKey = key;
  useReadRoot();
  const gen = tablesGen();
  let status = ops.hasLive(key); // M1
  if (status != NOT_FOUND || missIsAnswer(gen)) return status;
  lock(LOCK); // M2
  status = lockedRead(false);
  unlock(LOCK);
  return status;
}

/**
 * M1: a miss in the snapshot is the answer without a lock if the dirty table is empty, and no
 * promotion published a snapshot since `gen` was loaded, before the probe. An empty dirty table
 * alone does not say so: a promotion between the probe and this look empties it having moved its
 * keys into a new snapshot, which the probe did not read. M7 moves tablesGen before it empties the
 * dirty table, so a reader that sees rmDirty 0 written by a promotion also sees tablesGen moved.
 */
@inline function missIsAnswer(gen: u32): bool {
  missStall(); // debug build only: widens this window for test/concurrency/read-mostly.test.ts
  return load32(MAP_HEADER + HDR_RM_DIRTY) == 0 && tablesGen() == gen;
}

/** M2–M3 under rmLock: the snapshot again (a promotion may have come between), then dirty. */
function lockedRead(value: bool): i32 {
  const key = stagedKey;
  store32(MAP_HEADER + HDR_RM_LOCKED_READS, load32(MAP_HEADER + HDR_RM_LOCKED_READS) + 1);
  useReadRoot();
  let status = value ? ops.getLive(key) : ops.hasLive(key);
  if (status != NOT_FOUND || load32(MAP_HEADER + HDR_RM_DIRTY) == 0) return status;
  useDirtyRoot();
  status = value ? ops.get(key) : ops.has(key); // M3
  countMiss();
  return status;
}

/**
 * M3–M6: counts a miss, and promotes once the misses have paid for a copy of the map (sync.Map:
 * misses >= len(dirty), its dirty map holding every live key). The cheap bounds first: the map
 * holds at least rmDirty entries, and after a promotion that ran out of memory the misses must
 * reach rmRetryAt, twice the count of that attempt, so a full map tries its O(n) copy a
 * logarithmic number of times rather than on every miss (the M6 back-off).
 * Preconditions: rmLock held.
 */
function countMiss(): void {
  const misses = load32(MAP_HEADER + HDR_RM_MISSES) + 1;
  store32(MAP_HEADER + HDR_RM_MISSES, misses);
  if (misses < load32(MAP_HEADER + HDR_RM_DIRTY) || misses < load32(MAP_HEADER + HDR_RM_RETRY_AT)) return;
  if (<i64>misses < totalCount()) return;
  if (!tryPromote()) store32(MAP_HEADER + HDR_RM_RETRY_AT, misses > 0x7fffffff ? 0xffffffff : misses << 1);
}

/**
 * M6–M7, then the old tables' memory handed to the reclaimer at once (epoch.ts reclaimNow): the
 * thread that promotes is often a reader, which may retire nothing more for a long time, and
 * until its bins are collected the old tables stay allocated beside the new snapshot.
 * Returns false (nothing changed) when memory ran out. Preconditions: rmLock held, unpinned.
 */
function tryPromote(): bool {
  pin();
  const promoted = promote();
  unpin();
  if (promoted) reclaimNow();
  else store32(MAP_HEADER + HDR_RM_FAILED, load32(MAP_HEADER + HDR_RM_FAILED) + 1);
  return promoted;
}

/** The key argument of the operation in progress (blob keys: their length word; staged bytes stay). */
let stagedKey: f64 = 0;

// ── Writers: M4 picks the root, the operation of map.ts runs there under rmLock ────────────────
/** M4: OK with the key's root current (the snapshot if the key is live there, else dirty). */
function pickRoot(key: f64): i32 {
  stagedKey = key;
  useReadRoot();
  const status = ops.hasLive(key);
  if (status == FOUND) return OK; // write in place: one value word (W6a or W5–W7), or the M5 mark
  if (status != NOT_FOUND) return status;
  useDirtyRoot();
  return OK;
}

/** After an operation on the dirty root: keeps rmDirty the dirty table's entry count. */
@inline function countDirty(delta: i32): void {
  if (currentRoot() == READ_ROOT) return;
  store32(MAP_HEADER + HDR_RM_DIRTY, load32(MAP_HEADER + HDR_RM_DIRTY) + <u32>delta);
}

export function setReadMostly(key: f64, value: f64, valueLen: i32): i32 {
  lock(LOCK);
  let status = pickRoot(key);
  if (status == OK) {
    status = ops.set(key, canonical(value), valueLen);
    if (status == INSERTED) countDirty(1);
  }
  unlock(LOCK);
  return status;
}

export function getOrInsertReadMostly(key: f64, value: f64, valueLen: i32): i32 {
  lock(LOCK);
  let status = pickRoot(key);
  if (status == OK) {
    status = ops.getOrInsert(key, canonical(value), valueLen);
    if (status == INSERTED) countDirty(1);
  }
  unlock(LOCK);
  return status;
}

export function removeReadMostly(key: f64): i32 {
  lock(LOCK);
  let status = pickRoot(key);
  if (status == OK) {
    status = ops.remove(key); // in the snapshot: M5 marks DELETED (map.ts removeFound)
    if (status == OK) countDirty(-1);
  }
  unlock(LOCK);
  return status;
}

export function compareAndSetReadMostly(key: f64, expected: f64, expectedLen: i32, next: f64, nextLen: i32): i32 {
  lock(LOCK);
  let status = pickRoot(key);
  if (status == OK) status = ops.compareAndSet(key, expected, expectedLen, canonical(next), nextLen);
  unlock(LOCK);
  return status;
}

export function compareAndDeleteReadMostly(key: f64, expected: f64, expectedLen: i32): i32 {
  lock(LOCK);
  let status = pickRoot(key);
  if (status == OK) {
    status = ops.compareAndDelete(key, expected, expectedLen);
    if (status == OK) countDirty(-1);
  }
  unlock(LOCK);
  return status;
}

export function addReadMostly(key: f64, delta: f64): i32 {
  lock(LOCK);
  let status = pickRoot(key);
  if (status == OK) {
    status = ops.add(key, delta);
    if (status == INSERTED) countDirty(1);
  }
  unlock(LOCK);
  return status;
}

/** M8: both roots emptied under rmLock; atomic for the map, as no writer can come between. */
export function clearReadMostly(): i32 {
  lock(LOCK);
  pin();
  useReadRoot();
  clearRoot();
  useDirtyRoot();
  clearRoot();
  resetMisses();
  unpin();
  unlock(LOCK);
  return OK;
}

// ── Iteration (M9): promote first, as sync.Map's Range does, then read the snapshot lock-free ──
export function iterationWidthReadMostly(): u32 {
  lock(LOCK);
  // Not held back by rmRetryAt: the iteration is O(n) itself, so one more copy attempt at most
  // doubles its cost, and a successful one lets the batches read one table.
  if (load32(MAP_HEADER + HDR_RM_DIRTY) != 0) tryPromote();
  // The wider of the two tables: logical buckets of the snapshot's B alone would each hold a
  // whole dirty table when the promotion failed for memory (B 0 against 19k dirty entries: a
  // batch that no staging area of a full map could hold).
  useDirtyRoot();
  const dirtyB = iterationWidth();
  unlock(LOCK);
  useReadRoot();
  const readB = iterationWidth();
  return readB > dirtyB ? readB : dirtyB;
}

/**
 * M9: one batch, each logical bucket read in the snapshot and then in the dirty table, under
 * rmLock: no write or promotion comes between the two reads, so a key present throughout is
 * in exactly one of them and yielded once (iterate.ts skips DELETED entries). The promotion in
 * iterationWidthReadMostly usually leaves the dirty table empty, but it may fail for lack of
 * memory (a full map) or new keys may arrive between batches: the dirty table must be read too.
 * The lock is held for one batch (bounded by the staging area), never between batches.
 */
export function iterateReadMostly(cursor: u32, width: u32): i32 {
  lock(LOCK);
  useReadRoot();
  const status = iterateRoots(cursor, width, RM_DIRTY_ROOT);
  unlock(LOCK);
  return status;
}

/**
 * [locked reads, promotions, misses since the last promotion, dirty entries, promotions that ran
 * out of memory]: for tests (test/read-mostly.test.ts, test/concurrency/read-mostly.test.ts).
 */
export function readMostlyCounter(which: u32): u32 {
  const at = which == 0 ? HDR_RM_LOCKED_READS : which == 1 ? HDR_RM_PROMOTIONS
    : which == 2 ? HDR_RM_MISSES : which == 3 ? HDR_RM_DIRTY : HDR_RM_FAILED;
  return load32(MAP_HEADER + at);
}

/** The dirty table is empty (a promotion or clear): counting misses starts over, back-off included. */
function resetMisses(): void {
  store32(MAP_HEADER + HDR_RM_DIRTY, 0);
  store32(MAP_HEADER + HDR_RM_MISSES, 0);
  store32(MAP_HEADER + HDR_RM_RETRY_AT, 0);
}

// ── Promotion (M6–M7) ──────────────────────────────────────────────────────────────────────────
/**
 * M6: copies the live entries of both roots into a new table, which M7 publishes as the snapshot,
 * with a new empty dirty table. Returns false, having changed nothing, if memory runs out.
 * Preconditions: rmLock held (no writer anywhere), pinned.
 */
function promote(): bool {
  const entries = totalCount();
  // Never smaller than the snapshot's table: tables do not shrink under the other strategies
  // either, and a map that shrank and refills would otherwise grow again at every promotion.
  let B: u32 = tableB(load32(READ_ROOT + ROOT_TABLE));
  while (B < maxB() && (<i64>1 << B) * <i64>LOAD_FACTOR_NUM < entries * <i64>LOAD_FACTOR_DEN) B++;
  const next = newTable(B);
  if (next == 0) return false;
  const dirty = newTable(0);
  if (dirty == 0) {
    free(next, load<u32>(next, TBL_SIZE_BYTES));
    return false;
  }
  if (!copyRoot(READ_ROOT, next) || !copyRoot(RM_DIRTY_ROOT, next)) {
    dropCopy(next);
    free(dirty, load<u32>(dirty, TBL_SIZE_BYTES));
    return false;
  }
  const oldRead = load32(READ_ROOT + ROOT_TABLE);
  const oldReadOld = load32(READ_ROOT + ROOT_OLD_TABLE);
  const oldDirty = load32(RM_DIRTY_ROOT + ROOT_TABLE);
  const oldDirtyOld = load32(RM_DIRTY_ROOT + ROOT_OLD_TABLE);
  // M7: publish. Readers that load the snapshot from here on read `next`; the ones inside the
  // old one see tablesGen move (R6) and retry in `next`, which holds every key they could want.
  store32(READ_ROOT + ROOT_OLD_TABLE, 0);
  store32(READ_ROOT + ROOT_TABLE, <u32>next);
  store32(RM_DIRTY_ROOT + ROOT_OLD_TABLE, 0);
  store32(RM_DIRTY_ROOT + ROOT_TABLE, <u32>dirty);
  // tablesGen first: M1 trusts rmDirty 0 only while tablesGen stands still (missIsAnswer).
  add32(MAP_HEADER + HDR_TABLES_GEN, 1);
  resetMisses();
  store32(MAP_HEADER + HDR_RM_PROMOTIONS, load32(MAP_HEADER + HDR_RM_PROMOTIONS) + 1);
  // M7: retire the old tables' buckets (their live entries' blobs now belong to `next`) and the
  // keys of DELETED entries, which no table holds any more: sync.Map's expunging.
  retireTable(oldRead);
  if (oldReadOld != 0) retireTable(oldReadOld);
  retireTable(oldDirty);
  if (oldDirtyOld != 0) retireTable(oldDirtyOld);
  return true;
}

/** Inserts every live entry of `root`'s tables into the private table `into`; false when out of memory. */
function copyRoot(root: usize, into: usize): bool {
  const old = load32(root + ROOT_OLD_TABLE);
  if (old != 0 && !copyTable(old, into)) return false;
  return copyTable(load32(root + ROOT_TABLE), into);
}

function copyTable(table: usize, into: usize): bool {
  reachTable(table); // view.ts
  const keyKind = mapKeyKind();
  const seed = mapSeed();
  const mask = tableMask(into);
  const buckets = tableMask(table) + 1;
  for (let index: u32 = 0; index < buckets; index++) {
    let bucket = tableBucket(table, index);
    if (isEvacuated(bucket)) continue; // its entries are in the growth's next table
    while (bucket != 0) {
      const used = usedSlots(tophashes(bucket));
      for (let slot: u32 = 0; slot < used; slot++) {
        const key = slotKey(bucket, slot);
        const value = slotValue(bucket, slot);
        if (value == VALUE_DELETED) continue;
        const hash = keyHash(key, keyKind, seed);
        if (!chainInsert(into, tableBucket(into, <u32>hash & mask), tophash(hash), key, value, keyKind)) return false;
      }
      if (used < BUCKET_SLOTS) break;
      bucket = overflowOf(bucket);
    }
  }
  return true;
}

/** Frees a copy that was never published: its overflow buckets and itself, not the entries' blobs. */
function dropCopy(table: usize): void {
  const buckets = tableMask(table) + 1;
  for (let index: u32 = 0; index < buckets; index++) {
    let bucket = overflowOf(tableBucket(table, index));
    while (bucket != 0) {
      const after = overflowOf(bucket);
      free(bucket, bucketBytes());
      bucket = after;
    }
  }
  free(table, load<u32>(table, TBL_SIZE_BYTES));
}

/** Retires an unpublished table's buckets, and the key blobs of its DELETED entries. */
function retireTable(table: usize): void {
  reachTable(table);
  const blobKeys = mapKeyKind() == KEY_BLOB;
  const buckets = tableMask(table) + 1;
  for (let index: u32 = 0; index < buckets; index++) {
    const head = tableBucket(table, index);
    if (isEvacuated(head)) continue; // its overflow buckets were retired by the evacuation (G4)
    let bucket = head;
    while (bucket != 0) {
      const used = usedSlots(tophashes(bucket));
      const next = overflowOf(bucket); // read before: retire reuses the block's first words
      if (blobKeys) {
        for (let slot: u32 = 0; slot < used; slot++) {
          if (slotValue(bucket, slot) == VALUE_DELETED) retireKey(slotKey(bucket, slot), KEY_BLOB);
        }
      }
      if (bucket != head) retire(bucket, bucketBytes());
      bucket = next;
    }
  }
  retire(table, load<u32>(table, TBL_SIZE_BYTES));
}
