// Strategy 'rwlock': one read/write lock for the whole map, as Go's "sync.RWMutex + map". Readers
// share it, writers hold it alone; under it the table code runs without chain locks.
//
// Writer-preferring without starving readers (Go's RWMutex and Java's fair
// ReentrantReadWriteLock make the same trade): a writer that arrives stops new readers (L2, L3),
// so a stream of readers cannot starve it; the readers it stopped are admitted all at once when it
// releases (L5), before any later writer, so a stream of writers cannot starve them either.
//
// Words (layout.ts, "The read/write lock word"): `rwState` holds active readers, waiting readers,
// WRITER and a phase; `rwWriter` is an ordinary lock word (lock.ts) that orders writers among
// themselves (L1). Steps L1–L6 are in assembly/README.md ("Strategy 'rwlock'").
//
// Roles: readers change only the reader counts; the writer holding rwWriter alone sets and
// clears WRITER and moves the phase.

import {
  MAP_HEADER, HDR_RW_STATE, RW_READER, RW_READERS_MASK, RW_WAITER, RW_WAITING_MASK,
  RW_WAITING_SHIFT, RW_WRITER, RW_PHASE,
} from "./layout";
import { OK } from "./status";
import { lock, unlock, load32, cas32, add32, waitWord, notifyAll, spinLimit, countSpins } from "./lock";
import * as ops from "./map";
import { getValue, has, set, add, remove } from "./fast64";
import { clear } from "./clear";
import { iterate } from "./iterate";

/** Strategy 'rwlock': the map's lock. Shards (shards.ts) pass their root's pair instead. */
const STATE: usize = MAP_HEADER + HDR_RW_STATE;
/** A lock is two words: its state, then its writers' lock word. */
@inline function writerLock(state: usize): usize { return state + sizeof<u32>(); }

/** L3: takes the lock for reading. */
export function readLock(state: usize = STATE): void {
  while (true) {
    const s = load32(state);
    if ((s & RW_WRITER) == 0) {
      if (cas32(state, s, s + RW_READER) == s) return;
      continue;
    }
    // A writer holds the lock or waits for readers: queue behind it, counted as waiting.
    if (cas32(state, s, s + RW_WAITER) != s) continue;
    const phase = s & ~(RW_PHASE - 1);
    const limit = spinLimit() >> 3;
    let spins: u32 = 0;
    while (true) { // L5 moves us from waiting to active and bumps the phase: then we hold it
      const now = load32(state);
      if ((now & ~(RW_PHASE - 1)) != phase) break;
      if (spins < limit) { // a writer's turn is one operation: usually over before a sleep starts
        spins++;
        continue;
      }
      waitWord(state, now);
    }
    countSpins(spins);
    return;
  }
}

/** L4: releases a read; the last reader out wakes a writer waiting for readers. */
export function readUnlock(state: usize = STATE): void {
  const before = add32(state, <u32>-RW_READER);
  if ((before & RW_READERS_MASK) == RW_READER && (before & RW_WRITER) != 0) notifyAll(state);
}

/** L1–L2: takes the lock for writing. */
export function writeLock(state: usize = STATE): void {
  lock(writerLock(state)); // L1: one writer at a time gets to L2
  add32(state, RW_WRITER); // L2: from here no new reader becomes active
  const limit = spinLimit() >> 3;
  let spins: u32 = 0;
  while (true) {
    const s = load32(state);
    if ((s & RW_READERS_MASK) == 0) break;
    if (spins < limit) { // the active readers are each one lookup from leaving
      spins++;
      continue;
    }
    waitWord(state, s);
  }
  countSpins(spins);
}

/** L5–L6: admits the waiting readers as active ones in one step, then lets the next writer in. */
export function writeUnlock(state: usize = STATE): void {
  while (true) {
    const s = load32(state);
    const waiting = (s & RW_WAITING_MASK) >> RW_WAITING_SHIFT;
    const next = ((s & ~(RW_WRITER | RW_WAITING_MASK)) + waiting * RW_READER) + RW_PHASE;
    if (cas32(state, s, next) == s) {
      if (waiting != 0) notifyAll(state);
      break;
    }
  }
  unlock(writerLock(state)); // L6
}

// ── The rwlock exports: each operation of map.ts inside L3–L4 or L1–L6 ─────────────────────────
export function getLocked(key: f64): i32 {
  readLock();
  const status = ops.get(key);
  readUnlock();
  return status;
}

/** getLocked, answering as fast64.ts getValue does: the value itself, or NaN and lastStatus(). */
export function getValueLocked(key: f64): f64 {
  readLock();
  const value = getValue(key);
  readUnlock();
  return value;
}

export function hasLocked(key: f64): i32 {
  readLock();
  const status = has(key);
  readUnlock();
  return status;
}

/** One batch of an iteration, under the read lock; no lock is held between batches (user code). */
export function iterateLocked(cursor: u32, width: u32): i32 {
  readLock();
  const status = iterate(cursor, width);
  readUnlock();
  return status;
}

export function setLocked(key: f64, value: f64, valueLen: i32): i32 {
  writeLock();
  const status = set(key, value, valueLen);
  writeUnlock();
  return status;
}

export function getOrInsertLocked(key: f64, value: f64, valueLen: i32): i32 {
  writeLock();
  const status = ops.getOrInsert(key, value, valueLen);
  writeUnlock();
  return status;
}

export function removeLocked(key: f64): i32 {
  writeLock();
  const status = remove(key);
  writeUnlock();
  return status;
}

export function compareAndSetLocked(key: f64, expected: f64, expectedLen: i32, next: f64, nextLen: i32): i32 {
  writeLock();
  const status = ops.compareAndSet(key, expected, expectedLen, next, nextLen);
  writeUnlock();
  return status;
}

export function compareAndDeleteLocked(key: f64, expected: f64, expectedLen: i32): i32 {
  writeLock();
  const status = ops.compareAndDelete(key, expected, expectedLen);
  writeUnlock();
  return status;
}

export function addLocked(key: f64, delta: f64): i32 {
  writeLock();
  const status = add(key, delta);
  writeUnlock();
  return status;
}

export function clearLocked(): i32 {
  writeLock();
  clear();
  writeUnlock();
  return OK;
}
