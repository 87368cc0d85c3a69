// Strategy 'owned': Go's fail-fast map, made deterministic. One map-level owner word replaces the
// chain locks; misuse by a second thread is reported as a status, never as corruption.
//
// Terms: the *owner word* (layout.ts, "The owner word") holds HELD while a write is in progress,
// the writer's thread slot + 1 (kept after release, so a reader can name the last writer), and a
// write sequence bumped by every release. `iterators` counts registered iterations of all
// threads; each thread slot's `iterating` counts its own, and this thread's global `mine` mirrors
// it, so a thread may write during its own iteration (as a JS Map allows) but no other may.
//
// Steps O1–O7 are written out in assembly/README.md ("Strategy 'owned'"). The guarantee: two
// operations of different threads that overlap in time, at least one of them a write, never both
// complete silently. One of them returns CONCURRENT_WRITES, READ_DURING_WRITE or
// WRITE_DURING_ITERATION having changed nothing, so the map stays consistent.
//
// Roles: a writer is the only thread that sets HELD; readers only load the word; iterators add to
// `iterators` and their own slot's `iterating`.

import {
  MAP_HEADER, HDR_OWNER, HDR_ITERATORS, HDR_OWNER_ATTEMPTS, OWNER_ID_MASK, OWNER_HELD, OWNER_SEQ_STEP,
  TS_ITERATING, TS_JS_THREAD_ID, STAGE_OTHER_SLOT, STAGE_OTHER_JS_ID, threadSlot,
} from "./layout";
import { OK, CONCURRENT_WRITES, READ_DURING_WRITE, WRITE_DURING_ITERATION } from "./status";
import { load32, store32, cas32, add32 } from "./lock";
import { selfOwner, selfSlot, threadHigh } from "./thread";
import { stagingArea } from "./map";
import * as ops from "./map";
import { settle, getValue, has, set, add, remove } from "./fast64";
import { clear } from "./clear";

/** This thread's registered iterations (its slot's `iterating`, without a load). */
let mine: u32 = 0;
/** The owner word as O1 found it, restored by O2 when the write backs off. */
let acquiredFrom: u32 = 0;

/** Names the other thread of a misuse in staging; returns `status`. */
function misuse(status: i32, otherOwner: u32): i32 {
  const staging = stagingArea();
  store<u32>(staging, otherOwner, STAGE_OTHER_SLOT);
  const jsId = otherOwner == 0 ? u32.MAX_VALUE : load<u32>(threadSlot(otherOwner - 1), TS_JS_THREAD_ID);
  store<u32>(staging, jsId, STAGE_OTHER_JS_ID);
  return status;
}

/** O1–O2: takes the owner word for a write; OK, or a misuse status with nothing changed. */
function acquire(): i32 {
  const self = selfOwner();
  const tries = load32(MAP_HEADER + HDR_OWNER_ATTEMPTS);
  let word: u32 = 0;
  let held = false;
  // The writer that kept this one out: from a word seen HELD, or from the word that beat our CAS.
  // Not simply the last word loaded: after a release the word still names the last writer, which
  // may be this very thread, and a CAS lost to a third thread would then name ourselves.
  let other: u32 = 0;
  for (let attempt: u32 = 0; attempt < tries; attempt++) {
    word = load32(MAP_HEADER + HDR_OWNER);
    if (word & OWNER_HELD) { // O1: another writer; a hand-off may free it within the tries
      other = word & OWNER_ID_MASK;
      continue;
    }
    const seen = cas32(MAP_HEADER + HDR_OWNER, word, (word & ~OWNER_ID_MASK) | OWNER_HELD | self);
    if (seen == word) {
      held = true;
      break;
    }
    if ((seen & OWNER_ID_MASK) != self) other = seen & OWNER_ID_MASK;
  }
  if (!held) return misuse(CONCURRENT_WRITES, other);
  acquiredFrom = word;
  // O2: the CAS above and this load, against O6's add and load: under sequential consistency at
  // least one side sees the other, so a write and another thread's iteration never both go on.
  while (load32(MAP_HEADER + HDR_ITERATORS) > mine) {
    const other = iteratingThread();
    if (other != 0) {
      store32(MAP_HEADER + HDR_OWNER, acquiredFrom); // nothing changed: readers need not retry
      return misuse(WRITE_DURING_ITERATION, other);
    }
    // That iteration ended between the two loads (O7 lowers the count first): look again.
  }
  return OK;
}

/** O4: releases the owner word, bumping the write sequence so overlapping readers see it. */
@inline function release(): void {
  store32(MAP_HEADER + HDR_OWNER, ((acquiredFrom + OWNER_SEQ_STEP) & ~(OWNER_HELD | OWNER_ID_MASK)) | selfOwner());
}

/** Slot + 1 of a thread other than this one with a registered iteration, or 0. */
function iteratingThread(): u32 {
  const self = selfOwner();
  const high = threadHigh();
  for (let i: u32 = 0; i < high; i++) {
    if (i + 1 != self && load32(threadSlot(i), TS_ITERATING) != 0) return i + 1;
  }
  return 0;
}

/** O5, first half: the owner word a read starts from, or u32.MAX_VALUE if a write is in progress. */
@inline function readBegin(): u32 {
  const word = load32(MAP_HEADER + HDR_OWNER);
  if (word & OWNER_HELD) {
    misuse(READ_DURING_WRITE, word & OWNER_ID_MASK);
    return u32.MAX_VALUE;
  }
  return word;
}

/** O5, second half: `status` if no write started or ended since readBegin, else the misuse. */
@inline function readEnd(before: u32, status: i32): i32 {
  const after = load32(MAP_HEADER + HDR_OWNER);
  return after == before ? status : misuse(READ_DURING_WRITE, after & OWNER_ID_MASK);
}

// ── The owned exports: each is one operation of map.ts between O1–O2 and O4, or inside O5 ─────
export function getOwned(key: f64): i32 {
  const before = readBegin();
  if (before == u32.MAX_VALUE) return READ_DURING_WRITE;
  return readEnd(before, ops.get(key));
}

/** getOwned (O5), answering as fast64.ts getValue does: the value itself, or NaN and lastStatus(). */
export function getValueOwned(key: f64): f64 {
  const before = readBegin();
  if (before == u32.MAX_VALUE) return settle(READ_DURING_WRITE);
  const value = getValue(key);
  const status = readEnd(before, OK);
  return status == OK ? value : settle(status);
}

export function hasOwned(key: f64): i32 {
  const before = readBegin();
  if (before == u32.MAX_VALUE) return READ_DURING_WRITE;
  return readEnd(before, has(key));
}

export function setOwned(key: f64, value: f64, valueLen: i32): i32 {
  const status = acquire();
  if (status != OK) return status;
  const result = set(key, value, valueLen); // O3
  release();
  return result;
}

export function getOrInsertOwned(key: f64, value: f64, valueLen: i32): i32 {
  const status = acquire();
  if (status != OK) return status;
  const result = ops.getOrInsert(key, value, valueLen);
  release();
  return result;
}

export function removeOwned(key: f64): i32 {
  const status = acquire();
  if (status != OK) return status;
  const result = remove(key);
  release();
  return result;
}

export function compareAndSetOwned(key: f64, expected: f64, expectedLen: i32, next: f64, nextLen: i32): i32 {
  const status = acquire();
  if (status != OK) return status;
  const result = ops.compareAndSet(key, expected, expectedLen, next, nextLen);
  release();
  return result;
}

export function compareAndDeleteOwned(key: f64, expected: f64, expectedLen: i32): i32 {
  const status = acquire();
  if (status != OK) return status;
  const result = ops.compareAndDelete(key, expected, expectedLen);
  release();
  return result;
}

export function addOwned(key: f64, delta: f64): i32 {
  const status = acquire();
  if (status != OK) return status;
  const result = add(key, delta);
  release();
  return result;
}

export function clearOwned(): i32 {
  const status = acquire();
  if (status != OK) return status;
  const result = clear();
  release();
  return result;
}

/**
 * O6: registers an iteration of this thread. READ_DURING_WRITE (registration undone) if another
 * thread's write is in progress; from OK on, no other thread's write can start until O7.
 */
export function iterationBegin(): i32 {
  const slot = selfSlot();
  store32(slot, load32(slot, TS_ITERATING) + 1, TS_ITERATING); // before the count: O2 names us
  add32(MAP_HEADER + HDR_ITERATORS, 1);
  mine++;
  const word = load32(MAP_HEADER + HDR_OWNER);
  if ((word & OWNER_HELD) != 0 && (word & OWNER_ID_MASK) != selfOwner()) {
    iterationEnd();
    return misuse(READ_DURING_WRITE, word & OWNER_ID_MASK);
  }
  return OK;
}

/** O7: ends one registered iteration of this thread (the count first, so O2 never names us late). */
export function iterationEnd(): void {
  if (mine == 0) return;
  add32(MAP_HEADER + HDR_ITERATORS, <u32>-1);
  const slot = selfSlot();
  store32(slot, load32(slot, TS_ITERATING) - 1, TS_ITERATING);
  mine--;
}

/** close(): iterations this thread never finished stop blocking other threads' writes. */
export function endAllIterations(): void {
  while (mine != 0) iterationEnd();
}
