// Find / insert / erase on one chain of one table: the reference scan of the core.
//
// Two kinds of caller:
//  - readers (readChain), lock-free: they read the chain with atomic loads between two loads of
//    the head's version and trust nothing until the version (and the tables generation) proves
//    no writer and no retirement came between (steps R4–R6a in assembly/README.md);
//  - writers (chainFind, chainInsert, chainRemove, chainSetValue, chainBury), holding the
//    chain's lock (W3), which bracket with beginWrite/endWrite (W5/W7) every change of a key
//    word; an entry published into an empty slot or its key's own tombstone (W6b), a burial
//    that leaves the key word in place (C5) and the replacement of an inline value word (W6a)
//    need no bracket.
//
// Invariant kept here: chains are dense (bucket.ts), and an overflow bucket is never empty: a
// delete moves the chain's last entry into the hole and unlinks the last bucket if that emptied it
// (chainRemove), or, where overwrites take no lock, leaves a tombstone in place (chainBury), which
// chainInsert reuses (C4–C6 in assembly/README.md).
//
// Results come back in module globals, which are per thread (each thread has its own instance).

import {
  bucketBytes, BUCKET_SLOTS, TOPHASH_EMPTY, TOPHASH_DELETED, VERSION_WRITING, VERSION_EVACUATED,
  TBL_OVERFLOW_COUNT, MAP_HEADER, HDR_TABLES_GEN, KEY_BLOB, VALUE_TOMBSTONE, TOMBSTONE_SOFT, tombstoneEpoch, isTombstoneValue,
  isSoftTombstone, keyInSlot,
} from "./layout";
import {
  matchTophash, matchEmpty, matchDeleted, isDeleted, firstSlot, usedSlots, tophashes, overflowOf, slotKey,
  slotValue, tophashAt, version, setTophash, setSlot, fillSlot, setSlotValue, casSlotValue,
  setOverflow, beginWrite, endWrite,
} from "./bucket";
import { keyEquals, valueEquals, inBounds } from "./keys";
import { epochNow, isAged } from "./epoch";
import { allocZeroed } from "./alloc";
import { add32, load32 } from "./lock";
import { readStall, publishStall } from "./hooks";

// readChain outcomes.
export const READ_FOUND: i32 = 0;
export const READ_MISSING: i32 = 1;
export const READ_RETRY: i32 = 2;
export const READ_EVACUATED: i32 = 3;

/** The value word readChain found, and the head version it was validated against. */
export let readValue: u64 = 0;
export let readVersion: u32 = 0;

/** Where chainFind found the key. */
export let foundBucket: usize = 0;
export let foundSlot: u32 = 0;

@inline export function tablesGen(): u32 { return load32(MAP_HEADER + HDR_TABLES_GEN); }

/**
 * R4–R6: looks for `probe` in the chain at `head` without writing anything.
 * `gen` is the tables generation the caller read before it read the table's mask (R2); a chain
 * read after its table was retired may be any bytes at all, so every step re-checks both the
 * version and the generation before following a pointer, and pointers are bounds-checked.
 */
export function readChain(head: usize, top: u8, probe: u64, keyKind: u32, gen: u32): i32 {
  const v1 = version(head);
  if (v1 & VERSION_WRITING) return READ_RETRY;
  if (v1 & VERSION_EVACUATED) return READ_EVACUATED;
  let bucket = head;
  while (true) {
    const tops = tophashes(bucket);
    let match = matchTophash(tops, top);
    while (match != 0) {
      const slot = firstSlot(match);
      const key = slotKey(bucket, slot);
      // A blob key is compared through its pointer: first make sure the word was not torn.
      if (keyKind == KEY_BLOB && version(head) != v1) return READ_RETRY;
      if (keyEquals(key, probe, keyKind)) {
        readStall();
        const value = slotValue(bucket, slot);
        if (version(head) != v1 || tablesGen() != gen) return READ_RETRY; // R6
        if (isTombstoneValue(value)) return READ_MISSING; // R6a: buried since its tophash was read
        readValue = value;
        readVersion = v1;
        return READ_FOUND;
      }
      match &= match - 1;
    }
    if (matchEmpty(tops) != 0) break; // a bucket with room ends its chain: no need for the link's line
    const next = overflowOf(bucket);
    if (next == 0) break;
    if (version(head) != v1 || tablesGen() != gen || !inBounds(next, bucketBytes())) {
      return READ_RETRY;
    }
    bucket = next;
  }
  if (version(head) != v1 || tablesGen() != gen) return READ_RETRY; // R6
  return READ_MISSING;
}

/** Finds `probe` in the locked chain; on success sets foundBucket/foundSlot. */
export function chainFind(head: usize, top: u8, probe: u64, keyKind: u32): bool {
  let bucket = head;
  while (bucket != 0) {
    const tops = tophashes(bucket);
    let match = matchTophash(tops, top);
    while (match != 0) {
      const slot = firstSlot(match);
      if (keyEquals(slotKey(bucket, slot), probe, keyKind)) {
        foundBucket = bucket;
        foundSlot = slot;
        return true;
      }
      match &= match - 1;
    }
    if (matchEmpty(tops) != 0) return false;
    bucket = overflowOf(bucket);
  }
  return false;
}

/** Set by chainInsert when it linked a new overflow bucket (the growth trigger, G1). */
export let addedOverflow: bool = false;
/** Set by chainInsert when it found no room in the chain but tombstones that will be, once aged (C7). */
let tombstonesWaiting: bool = false;
/** Whether chainInsert then gives up (true) or links a new bucket (map.ts ageTombstones sets it). */
let waitForTombstones: bool = true;
export function setWaitForTombstones(wait: bool): void { waitForTombstones = wait; }
/** Whether the last insert that ran out of memory left tombstones waiting to age; clears it. */
export function takeTombstonesWaiting(): bool {
  const waiting = tombstonesWaiting;
  tombstonesWaiting = false;
  return waiting;
}

/**
 * Puts a new entry in the locked chain: into the first tombstone old enough to take another key
 * (C6 in assembly/README.md), else at the chain's first empty slot. Returns false, having changed
 * nothing, when the chain needed an overflow bucket and the memory is exhausted.
 * Precondition: the key is not in the chain.
 */
export function chainInsert(table: usize, head: usize, top: u8, key: u64, value: u64, keyKind: u32): bool {
  let tail = head;
  let target: usize = 0;
  let slot: u32 = 0;
  let aged: usize = 0;
  let agedSlot: u32 = 0;
  let own = false;
  const now = epochNow();
  while (true) {
    const tops = tophashes(tail);
    let dead = matchDeleted(tops); // none but in maps whose overwrites take no lock
    while (dead != 0) {
      const index = firstSlot(dead);
      // The key's own tombstone takes it back at once: a CAS that found the key there before
      // its delete lands on the key again, as if it came after this insert (C6). Under zipfian
      // churn, hot keys are deleted and inserted again long before a tombstone ages.
      const dead64 = slotKey(tail, index);
      if (keyKind != KEY_BLOB ? dead64 == key : keyInSlot(dead64) && keyEquals(dead64, key, keyKind)) {
        target = tail;
        slot = index;
        own = true;
        break;
      }
      if (aged == 0 && isAged(tombstoneEpoch(slotValue(tail, index)), now)) {
        aged = tail;
        agedSlot = index;
      }
      dead &= dead - 1;
    }
    if (target != 0) break;
    slot = usedSlots(tops);
    if (slot < BUCKET_SLOTS) break; // the end of the chain: an empty slot here
    const next = overflowOf(tail);
    if (next == 0) break;
    tail = next;
  }
  if (target == 0 && aged != 0) { // an old tombstone before a new slot: chains stay short
    target = aged;
    slot = agedSlot;
  } else if (target == 0 && slot < BUCKET_SLOTS) {
    target = tail;
  }
  addedOverflow = false;
  if (target == 0) {
    // No room but tombstones: harden them all and leave it to the caller to move the epoch on
    // and try again (map.ts ageTombstones), rather than lengthen the chain for them (C7).
    const hard = hardenChain(head, now);
    tombstonesWaiting = hard != 0;
    if (tombstonesWaiting && waitForTombstones) return false;
    target = allocZeroed(bucketBytes()); // before any store, so failure changes nothing
    if (target == 0) return false;
    slot = 0;
    addedOverflow = true;
  }
  if (own) { // W6b: the slot holds this key's word already; the tophash publishes the value
    setSlotValue(target, slot, value);
    publishStall();
    setTophash(target, slot, top);
  } else if (target == aged && slot == agedSlot) { // another key's word: readers must retry (W5–W7)
    beginWrite(head); // W5
    setSlot(target, slot, key, value); // W6
    setTophash(target, slot, top);
    endWrite(head); // W7
  } else { // W6b: an empty slot, which no reader looks into before its tophash says so
    fillSlot(target, slot, key, value);
    publishStall();
    setTophash(target, slot, top);
    if (addedOverflow) setOverflow(tail, target);
  }
  if (addedOverflow) add32(table, 1, TBL_OVERFLOW_COUNT);
  return true;
}

/**
 * Replaces the value at (bucket, slot) of the locked chain. An inline value goes in with one
 * atomic store and no bracket (W6a): a reader loads the old word or the new one, and either was
 * this key's value at that moment. A blob value is bracketed, because R7 learns from the version
 * that the blob it copied may have been retired under the copy.
 */
export function chainSetValue(head: usize, bucket: usize, slot: u32, value: u64, blob: bool): void {
  if (!blob) {
    setSlotValue(bucket, slot, value); // W6a
    return;
  }
  beginWrite(head); // W5
  setSlotValue(bucket, slot, value); // W6
  endWrite(head); // W7
}

/**
 * compareAndSet's replacement of an inline value in a map whose overwrites take no lock (C3): a
 * CAS loop that stops at the first value not equal to `expected` (keys.ts valueEquals). True if
 * it stored `next`. Precondition: the chain is locked and (bucket, slot) holds a live entry.
 */
export function chainCasValue(bucket: usize, slot: u32, expected: u64, next: u64, valueKind: u32): bool {
  let value = slotValue(bucket, slot);
  // A tombstone is a NaN, which SameValueZero would take for an expected NaN: a delete without
  // the lock may come first (C7), and then the key is absent.
  while (!isTombstoneValue(value) && valueEquals(value, expected, valueKind)) {
    const seen = casSlotValue(bucket, slot, value, next);
    if (seen == value) return true;
    value = seen;
  }
  return false;
}

/**
 * Removes the entry at (bucket, slot) of the locked chain, keeping it dense: the chain's last
 * entry moves into the hole. Returns the overflow bucket this emptied and unlinked (for the
 * caller to retire after unlocking), or 0.
 */
export function chainRemove(table: usize, head: usize, bucket: usize, slot: u32): usize {
  let prev: usize = 0;
  let tail = head;
  while (true) {
    if (usedSlots(tophashes(tail)) < BUCKET_SLOTS) break; // the link is read only from full buckets
    const next = overflowOf(tail);
    if (next == 0) break;
    prev = tail;
    tail = next;
  }
  const last = usedSlots(tophashes(tail)) - 1;
  if (DEBUG_CHECKS) assert(last < BUCKET_SLOTS, "chainRemove: the tail bucket is empty");
  beginWrite(head); // W5
  if (tail != bucket || last != slot) {
    setSlot(bucket, slot, slotKey(tail, last), slotValue(tail, last)); // W6
    setTophash(bucket, slot, tophashAt(tail, last));
  }
  setTophash(tail, last, TOPHASH_EMPTY);
  let unlinked: usize = 0;
  if (last == 0 && tail != head) {
    setOverflow(prev, 0);
    unlinked = tail;
  }
  endWrite(head); // W7
  if (unlinked != 0) add32(table, <u32>-1, TBL_OVERFLOW_COUNT);
  return unlinked;
}

/**
 * Deletes the entry at (bucket, slot) of the locked chain by making it a tombstone (C5): its
 * value word becomes TOMBSTONE with the global epoch. An inline or in-slot key keeps its slot and
 * its tophash (a soft tombstone, C7): a reader that matched the key loads its value or the
 * tombstone, and takes a tombstone for "absent" (R6a), so no version bracket is needed, and an
 * insert of the key takes the slot back. A key word that points to a blob is retired now, so its
 * slot goes to other keys after C4's grace period: the tombstone is hard (tophash DELETED), inside
 * a bracket, since readers must not trust the pointer past the next version check. With
 * `expected` (not u64.MAX_VALUE) only a value equal to it (keys.ts valueEquals) is deleted.
 * Returns the value word deleted, or u64.MAX_VALUE (no value of these maps: a canonical NaN is
 * 0x7ff8…) when it did not equal `expected` or the key was deleted already: deletes and
 * overwrites without the lock may change the value up to the CAS.
 */
export function chainBury(head: usize, bucket: usize, slot: u32, expected: u64, keyKind: u32, valueKind: u32): u64 {
  const hard = buriesHard(slotKey(bucket, slot), keyKind);
  if (hard) beginWrite(head); // W5
  const tombstone = VALUE_TOMBSTONE | <u64>epochNow() | (hard ? 0 : TOMBSTONE_SOFT);
  let value = slotValue(bucket, slot);
  while (true) {
    if (isTombstoneValue(value) || (expected != u64.MAX_VALUE && !valueEquals(value, expected, valueKind))) {
      if (hard) endWrite(head);
      return u64.MAX_VALUE;
    }
    const seen = casSlotValue(bucket, slot, value, tombstone);
    if (seen == value) break;
    value = seen;
  }
  if (hard) {
    setTophash(bucket, slot, TOPHASH_DELETED);
    endWrite(head); // W7
  }
  return value;
}

/** Whether chainBury leaves a hard tombstone for the key word `key`: its key is a blob outside its slot. */
@inline export function buriesHard(key: u64, keyKind: u32): bool {
  return keyKind == KEY_BLOB && !keyInSlot(key);
}

/**
 * C7: makes the soft tombstones of the locked chain hard (value TOMBSTONE with the epoch now,
 * then tophash DELETED), so that their slots may go to other keys once that newer epoch has aged
 * in turn (C4). A CAS, since an insert of the key without the lock may come first; no bracket,
 * as for a burial (C5): the key word stays. Returns the chain's hard tombstones after it.
 */
function hardenChain(head: usize, now: u32): u32 {
  let hard: u32 = 0;
  let bucket = head;
  while (bucket != 0) {
    const tops = tophashes(bucket);
    const used = usedSlots(tops);
    for (let slot: u32 = 0; slot < used; slot++) {
      // `tops` still holds: lock-free writers change values only, and this loop only slots passed.
      if (isDeleted(tops, slot)) {
        hard++;
        continue;
      }
      const value = slotValue(bucket, slot);
      if (!isSoftTombstone(value)) continue;
      if (casSlotValue(bucket, slot, value, VALUE_TOMBSTONE | <u64>now) == value) {
        setTophash(bucket, slot, TOPHASH_DELETED);
        hard++;
      }
    }
    if (used < BUCKET_SLOTS) break;
    bucket = overflowOf(bucket);
  }
  return hard;
}

/** Calls no code: debug builds compile the assertions in, release builds drop them. */
const DEBUG_CHECKS: bool = !ASC_NO_ASSERT;
