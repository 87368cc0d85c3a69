// checkInvariants() and the pure functions tests call directly; compiled into the debug target
// only (assembly/index.debug.ts). Nothing here runs in release builds.
//
// checkInvariants walks every live chain and returns 0, or the number of the first broken
// invariant (the table below), with the bucket index in staging's result slot. It reads without
// locks: call it only when no thread is writing.
//   1  an entry sits in a bucket other than the one its hash names
//   2  a chain is not dense (an entry after an empty slot, or an empty overflow bucket)
//   3  a key appears twice
//   4  a key sits in the new table while its old bucket is not evacuated
//   5  the entries counted differ from size()
//   6  a table's overflowCount differs from the overflow buckets linked in it
//   7  a bucket does not start on a cache line (layout.ts, "Buckets"; alloc.ts, "Alignment")
//   8  strategy 'sharded': an entry sits in a shard other than the one its hash names (root.ts
//      shardOf), where lookups never look: an operation that ran in a stale root would do this
//   9  a tombstone (tophash DELETED) whose value word is not a hard TOMBSTONE (table.ts chainBury)
//  10  a hard TOMBSTONE under a key's tophash (only a soft one keeps it: C7)

import { reachTable } from "./view";
import {
  MAP_HEADER, HDR_TABLE, HDR_OLD_TABLE, TBL_OVERFLOW_COUNT, BUCKET_SLOTS, STAGE_RESULT, CACHE_LINE,
  tableBucket, tableMask,
} from "./layout";
import { tophashes, usedSlots, isDeleted, overflowOf, slotKey, slotValue, matchTophash } from "./bucket";
import { keyHash, keyEquals } from "./keys";
import { isEvacuated, startGrowth } from "./evacuate";
import { pin, unpin } from "./epoch";
import { tableB } from "./layout";
import { totalCount } from "./thread";
import { classOf, classSize } from "./alloc";
import { hashInline } from "./hash";
import { mapKeyKind, mapSeed, stagingArea, deletesByMark } from "./map";
import { readLock, readUnlock } from "./rwlock";
import {
  HDR_RW_STATE, ROOT_TABLE, ROOT_OLD_TABLE, RM_DIRTY_ROOT, VALUE_DELETED, VALUE_TOMBSTONE, isTombstoneValue, isSoftTombstone,
} from "./layout";
import { rootAt, rootCount, currentRoot, shardOf } from "./root";

let entries: i64 = 0;

export function checkInvariants(): i32 {
  entries = 0;
  let broken: i32 = 0;
  const sharded = rootCount() > 1;
  for (let i: u32 = 0; i < rootCount() && broken == 0; i++) {
    const root = rootAt(i);
    const table = <usize>load<u32>(root + ROOT_TABLE);
    const old = <usize>load<u32>(root + ROOT_OLD_TABLE);
    const shard = sharded ? <i32>i : ANY_SHARD;
    if (old != 0) broken = checkTable(old, 0, shard);
    if (broken == 0) broken = checkTable(table, old, shard);
  }
  if (deletesByMark() && broken == 0) { // read-mostly: the dirty root's entries count too
    const table = <usize>load<u32>(RM_DIRTY_ROOT + ROOT_TABLE);
    const old = <usize>load<u32>(RM_DIRTY_ROOT + ROOT_OLD_TABLE);
    if (old != 0) broken = checkTable(old, 0, ANY_SHARD);
    if (broken == 0) broken = checkTable(table, old, ANY_SHARD);
  }
  if (broken == 0 && entries != totalCount()) broken = 5;
  return broken;
}

/** checkTable's `shard` for a table of a map that is not sharded. */
const ANY_SHARD: i32 = -1;

function checkTable(table: usize, old: usize, shard: i32): i32 {
  reachTable(table);
  const keyKind = mapKeyKind();
  const seed = mapSeed();
  const mask = tableMask(table);
  let overflowBuckets: u32 = 0;
  for (let index: u32 = 0; index <= mask; index++) {
    const head = tableBucket(table, index);
    if (isEvacuated(head)) continue;
    let bucket = head;
    while (bucket != 0) {
      if ((bucket & (CACHE_LINE - 1)) != 0) return fail(7, index);
      const tops = tophashes(bucket);
      const used = usedSlots(tops);
      if (bucket != head && used == 0) return fail(2, index);
      if (used < BUCKET_SLOTS && (tops >> (<u64>used << 3)) != 0) return fail(2, index);
      for (let slot: u32 = 0; slot < used; slot++) {
        if (isDeleted(tops, slot)) { // a tombstone: its words are dead, its value says when it died
          if ((slotValue(bucket, slot) & ~<u64>u32.MAX_VALUE) != VALUE_TOMBSTONE) return fail(9, index);
          continue;
        }
        const key = slotKey(bucket, slot);
        const hash = keyHash(key, keyKind, seed);
        if ((<u32>hash & mask) != index) return fail(1, index);
        if (shard != ANY_SHARD && shardOf(hash) != <u32>shard) return fail(8, index);
        if (old != 0 && !isEvacuated(tableBucket(old, <u32>hash & tableMask(old)))) return fail(4, index);
        if (appearsBefore(head, bucket, slot, key, keyKind)) return fail(3, index);
        const value = slotValue(bucket, slot);
        if (isTombstoneValue(value)) { // C7: the key's slot still, but not an entry
          if (!isSoftTombstone(value)) return fail(10, index);
        } else if (!deletesByMark() || value != VALUE_DELETED) {
          entries++; // M5 marks are not entries either
        }
      }
      if (used < BUCKET_SLOTS && overflowOf(bucket) != 0) return fail(2, index);
      bucket = overflowOf(bucket);
      if (bucket != 0) overflowBuckets++;
    }
  }
  // Evacuated chains' overflow buckets were retired, so only a table with none evacuated can be counted.
  if (old == 0 && overflowBuckets != load<u32>(table, TBL_OVERFLOW_COUNT)) {
    let anyEvacuated = false;
    for (let index: u32 = 0; index <= mask; index++) anyEvacuated = anyEvacuated || isEvacuated(tableBucket(table, index));
    if (!anyEvacuated) return fail(6, 0);
  }
  return 0;
}

/** Whether `key` also sits earlier in the chain than (bucket, slot). */
function appearsBefore(head: usize, bucket: usize, slot: u32, key: u64, keyKind: u32): bool {
  let at = head;
  while (true) {
    const end = at == bucket ? slot : usedSlots(tophashes(at));
    const tops = tophashes(at);
    for (let i: u32 = 0; i < end; i++) {
      if (!isDeleted(tops, i) && keyEquals(slotKey(at, i), key, keyKind)) return true;
    }
    if (at == bucket) return false;
    at = overflowOf(at);
  }
}

function fail(code: i32, index: u32): i32 {
  store<f64>(stagingArea(), <f64>index, STAGE_RESULT);
  return code;
}

export function classOfSize(bytes: u32): u32 { return classOf(bytes); }
export function sizeOfClass(sizeClass: u32): u32 { return classSize(sizeClass); }
/** The low and high halves would need BigInt; tests compare the low 32 bits and the tophash. */
export function hashOfBits(low: u32, high: u32, seedLow: u32): u32 {
  return <u32>hashInline((<u64>high << 32) | low, <u64>seedLow);
}
export function matchTophashMask(low: u32, high: u32, top: u32): u32 {
  const m = matchTophash((<u64>high << 32) | low, <u8>top);
  return <u32>(m >> 32) | <u32>m; // folds the 8 flag bits into one u32 for the test
}

/**
 * Starts a growth now, doubling or same-size, through the same path as a writer's (G2–G3):
 * same-size growth needs overflow buckets piling up, which a good hash makes rare, so tests
 * force it. False if a growth is already running.
 */
export function forceGrowth(sameSize: bool): bool {
  pin();
  const table = <usize>load<u32>(currentRoot() + ROOT_TABLE);
  const started = startGrowth(table, sameSize ? tableB(table) : tableB(table) + 1);
  unpin();
  return started;
}

/**
 * Strategy 'sharded': swaps the tables of shards a and b, so that every entry of each sits in
 * the other, with its bucket unchanged (test/sharded.test.ts shows invariant 8 catches it).
 * Tests only; no thread may be using the map.
 */
export function debugSwapShardTables(a: u32, b: u32): void {
  const rootA = rootAt(a);
  const rootB = rootAt(b);
  const table = load<u32>(rootA + ROOT_TABLE);
  store<u32>(rootA + ROOT_TABLE, load<u32>(rootB + ROOT_TABLE));
  store<u32>(rootB + ROOT_TABLE, table);
}

// ── Strategy 'rwlock' (test/concurrency/rwlock.test.ts forces an interleaving with these) ──────
/** Takes the map's read lock and returns holding it, across calls: tests only. */
export function debugReadLock(): void { readLock(); }
export function debugReadUnlock(): void { readUnlock(); }
/** The rwState word (layout.ts), to watch a writer announce itself and readers queue. */
export function debugRwState(): u32 { return load<u32>(MAP_HEADER + HDR_RW_STATE); }
