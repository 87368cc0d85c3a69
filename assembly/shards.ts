// Strategy 'sharded': N independent tables, a read/write lock each, as Go's sharded maps
// (a slice of { sync.RWMutex; map } picked by hash). Each shard is a root (root.ts) with its own
// table, growth and lock pair (layout.ts, "Roots"); a key's hash picks its shard, and the
// operation runs in that shard alone under its lock, with no chain locks underneath.
//
// Steps: S1 probe the key (map.ts prepareProbe), which picks its root; S2 take that root's lock,
// for reading (get, has, an iteration batch) or writing (L1–L5 of rwlock.ts on the root's pair);
// S3 run the operation of map.ts on the root; S4 release. clear takes each shard's write lock
// in turn, so it is atomic per shard, not for the map (as 'concurrent' is per chain).

import { ROOT_RW_STATE } from "./layout";
import { OK } from "./status";
import { readLock, readUnlock, writeLock, writeUnlock } from "./rwlock";
import { currentRoot, rootCount, useRoot } from "./root";
import { pin, unpin } from "./epoch";
import { clearRoot } from "./clear";
import { iterate, iterationWidth } from "./iterate";
import * as ops from "./map";
import { settle, getValue, has, set, add, remove } from "./fast64";

/** S1: the key's shard lock, or 0 with the probe's failure status in `failed`. */
let failed: i32 = OK;
@inline function shardLock(key: f64): usize {
  failed = ops.prepareProbe(key);
  return failed == OK ? currentRoot() + ROOT_RW_STATE : 0;
}

export function getSharded(key: f64): i32 {
  const lock = shardLock(key);
  if (lock == 0) return failed;
  readLock(lock); // S2
  const status = ops.get(key); // S3
  readUnlock(lock); // S4
  return status;
}

/** getSharded, answering as fast64.ts getValue does: the value itself, or NaN and lastStatus(). */
export function getValueSharded(key: f64): f64 {
  const lock = shardLock(key);
  if (lock == 0) return settle(failed);
  readLock(lock); // S2
  const value = getValue(key); // S3
  readUnlock(lock); // S4
  return value;
}

export function hasSharded(key: f64): i32 {
  const lock = shardLock(key);
  if (lock == 0) return failed;
  readLock(lock);
  const status = has(key);
  readUnlock(lock);
  return status;
}

export function setSharded(key: f64, value: f64, valueLen: i32): i32 {
  const lock = shardLock(key);
  if (lock == 0) return failed;
  writeLock(lock);
  const status = set(key, value, valueLen);
  writeUnlock(lock);
  return status;
}

export function getOrInsertSharded(key: f64, value: f64, valueLen: i32): i32 {
  const lock = shardLock(key);
  if (lock == 0) return failed;
  writeLock(lock);
  const status = ops.getOrInsert(key, value, valueLen);
  writeUnlock(lock);
  return status;
}

export function removeSharded(key: f64): i32 {
  const lock = shardLock(key);
  if (lock == 0) return failed;
  writeLock(lock);
  const status = remove(key);
  writeUnlock(lock);
  return status;
}

export function compareAndSetSharded(key: f64, expected: f64, expectedLen: i32, next: f64, nextLen: i32): i32 {
  const lock = shardLock(key);
  if (lock == 0) return failed;
  writeLock(lock);
  const status = ops.compareAndSet(key, expected, expectedLen, next, nextLen);
  writeUnlock(lock);
  return status;
}

export function compareAndDeleteSharded(key: f64, expected: f64, expectedLen: i32): i32 {
  const lock = shardLock(key);
  if (lock == 0) return failed;
  writeLock(lock);
  const status = ops.compareAndDelete(key, expected, expectedLen);
  writeUnlock(lock);
  return status;
}

export function addSharded(key: f64, delta: f64): i32 {
  const lock = shardLock(key);
  if (lock == 0) return failed;
  writeLock(lock);
  const status = add(key, delta);
  writeUnlock(lock);
  return status;
}

export function clearSharded(): i32 {
  pin();
  for (let i: u32 = 0; i < rootCount(); i++) {
    useRoot(i);
    const lock = currentRoot() + ROOT_RW_STATE;
    writeLock(lock);
    clearRoot();
    writeUnlock(lock);
  }
  unpin();
  return OK;
}

/** The iteration width of shard `shard` (the facade iterates shard after shard). */
export function iterationWidthShard(shard: u32): u32 {
  useRoot(shard);
  return iterationWidth();
}

/** One batch of shard `shard`'s iteration, under its read lock; nothing is held between batches. */
export function iterateShard(shard: u32, cursor: u32, width: u32): i32 {
  useRoot(shard);
  const lock = currentRoot() + ROOT_RW_STATE;
  readLock(lock);
  const status = iterate(cursor, width);
  readUnlock(lock);
  return status;
}
