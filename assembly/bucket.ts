// One bucket: tophash matching, slot access, the overflow chain.
//
// A chain is a head bucket (in the table's array) and its overflow buckets. The head's lock and
// version words guard the whole chain (layout.ts, "Buckets"). Chains are dense: entries fill the
// head's slots 0..7, then the first overflow bucket's, and so on, so the first empty tophash
// byte ends the chain (table.ts keeps this on delete, by a move or by a tombstone, which counts
// as a used slot until an insert takes it back).
//
// Tophash matching reads the eight tophash bytes as one u64 and finds equal bytes with an exact
// SWAR zero-byte test: x = tophashes ^ (top × 0x0101…01) has a zero byte exactly where a slot
// matches, and ~(((x & 0x7f…7f) + 0x7f…7f) | x | 0x7f…7f) sets the high bit of exactly those
// bytes. (The shorter (x − 0x0101…01) & ~x & 0x8080…80 lets a borrow flag the byte above a true
// match; with top = 1 that byte can be an empty slot, whose stale key words a delete leaves in
// place, so a deleted key was found again. The exact form has no carries between bytes.)

import {
  BKT_TOPHASH, BKT_VERSION, bucketOverflow, SLOT_KEY, SLOT_VALUE, SLOT_KEY_BYTES, VERSION_WRITING,
  VERSION_STEP, TOPHASH_DELETED, slotAddr, keyInSlot, blobPtr, blobWord, blobLenWord, bucketBytes, bucketBytesOf,
  bucketOverflowOf,
} from "./layout";
import { load32, load64, store8, store32, store64, swap64, cas64 } from "./lock";
import { reach } from "./view";

const LSB: u64 = 0x0101010101010101;
const LOW7: u64 = 0x7f7f7f7f7f7f7f7f;

/** High bit set in each zero byte of `x`, and in no other byte. */
@inline function zeroBytes(x: u64): u64 {
  return ~(((x & LOW7) + LOW7) | x | LOW7);
}

/** High bit set in each byte of `tophashes` equal to `top`. */
@inline export function matchTophash(tophashes: u64, top: u8): u64 {
  return zeroBytes(tophashes ^ (<u64>top * LSB));
}

/** High bit set in each empty slot's byte. */
@inline export function matchEmpty(tophashes: u64): u64 {
  return zeroBytes(tophashes);
}

/** High bit set in each deleted slot's byte (a tombstone: layout.ts TOPHASH_DELETED). */
@inline export function matchDeleted(tophashes: u64): u64 {
  return zeroBytes(tophashes ^ (<u64>TOPHASH_DELETED * LSB));
}

/** Whether slot `slot` of a bucket with these tophash bytes is a tombstone. */
@inline export function isDeleted(tophashes: u64, slot: u32): bool {
  return <u8>(tophashes >> (<u64>slot << 3)) == TOPHASH_DELETED;
}

/** The slot index of the lowest flagged byte of a match mask. */
@inline export function firstSlot(mask: u64): u32 { return <u32>ctz<u64>(mask) >> 3; }

/** Slots in use in a bucket of a dense chain: the index of its first empty byte, or 8. */
@inline export function usedSlots(tophashes: u64): u32 {
  const empty = matchEmpty(tophashes);
  return empty == 0 ? 8 : firstSlot(empty);
}

// Reads use atomic loads: optimistic readers race with writers by design (lock.ts, file comment).
@inline export function tophashes(bucket: usize): u64 { return load64(bucket, BKT_TOPHASH); }
/** The overflow link as stored, for a reader that checks it against the view itself (fast64.ts probe). */
@inline export function linkOf(bucket: usize): usize { return load32(bucket + bucketOverflow()); }
/** The next bucket of the chain, or 0; this thread's view reaches it (view.ts): another thread may have allocated it. */
@inline export function overflowOf(bucket: usize): usize {
  const next = load32(bucket + bucketOverflow());
  if (next != 0) reach(<u64>next + bucketBytes());
  return next;
}
/** linkOf and overflowOf for code compiled once per key kind (layout.ts slotAddrOf). */
@inline export function linkOfKind(bucket: usize, blob: bool): usize { return load32(bucket + bucketOverflowOf(blob)); }
@inline export function overflowOfKind(bucket: usize, blob: bool): usize {
  const next = linkOfKind(bucket, blob);
  if (next != 0) reach(<u64>next + bucketBytesOf(blob));
  return next;
}
@inline export function slotKey(bucket: usize, slot: u32): u64 {
  return load64(slotAddr(bucket, slot), SLOT_KEY);
}
@inline export function slotValue(bucket: usize, slot: u32): u64 {
  return load64(slotAddr(bucket, slot), SLOT_VALUE);
}
@inline export function tophashAt(bucket: usize, slot: u32): u8 {
  return <u8>(tophashes(bucket) >> (<u64>slot << 3));
}
@inline export function version(head: usize): u32 { return load32(head, BKT_VERSION); }

// Writes happen under the chain's lock, between beginWrite and endWrite (W5–W7), except the
// replacement of an inline value word (W6a).
@inline export function setTophash(bucket: usize, slot: u32, top: u8): void {
  store8(bucket + BKT_TOPHASH + <usize>slot, top);
}
/**
 * Stores an entry. A short blob key (layout.ts keyInSlot) brings its bytes along wherever `key`
 * points (the staging area on insert, another slot on a move or a copy), and its stored word
 * points into this slot. Those bytes change in place, unlike a blob's, so they are stored with
 * atomic stores inside the bracket, as every word a reader may read optimistically is.
 */
@inline export function setSlot(bucket: usize, slot: u32, key: u64, value: u64): void {
  storeEntry(bucket, slot, key, value, true);
}

/**
 * Stores an entry into an empty slot, whose tophash, stored next with an atomic store, publishes
 * it (W6b in assembly/README.md): plain stores, because a reader loads these words only after
 * an atomic load that read that tophash, which orders the stores before its loads (the memory
 * model's happens-before). A reader still in a chain it read before the slot emptied may load
 * them meanwhile, and fails its version check (R6) whatever it loaded. Saves an insert the two
 * or four `xchg`s of atomic stores.
 */
@inline export function fillSlot(bucket: usize, slot: u32, key: u64, value: u64): void {
  storeEntry(bucket, slot, key, value, false);
}

@inline function storeEntry(bucket: usize, slot: u32, key: u64, value: u64, ordered: bool): void {
  const at = slotAddr(bucket, slot);
  let word = key;
  if (keyInSlot(key)) {
    const from = blobPtr(key);
    if (from != at + SLOT_KEY_BYTES) {
      storeWord(at + SLOT_KEY_BYTES, load<u64>(from), ordered);
      storeWord(at + SLOT_KEY_BYTES + 8, load<u64>(from, 8), ordered);
    }
    word = blobWord(at + SLOT_KEY_BYTES, blobLenWord(key));
  }
  storeWord(at + SLOT_KEY, word, ordered);
  storeWord(at + SLOT_VALUE, value, ordered);
}

@inline function storeWord(at: usize, word: u64, ordered: bool): void {
  if (ordered) store64(at, word);
  else store<u64>(at, word);
}
@inline export function setSlotValue(bucket: usize, slot: u32, value: u64): void {
  store64(slotAddr(bucket, slot), value, SLOT_VALUE);
}
/** Replaces the value word and returns the one it replaced (C4, C5: chainBury, evacuate). */
@inline export function swapSlotValue(bucket: usize, slot: u32, value: u64): u64 {
  return swap64(slotAddr(bucket, slot), value, SLOT_VALUE);
}
/** CASes the value word from `expected` to `next`; returns the word it found. */
@inline export function casSlotValue(bucket: usize, slot: u32, expected: u64, next: u64): u64 {
  return cas64(slotAddr(bucket, slot), expected, next, SLOT_VALUE);
}
@inline export function setOverflow(bucket: usize, next: usize): void {
  store32(bucket + bucketOverflow(), <u32>next);
}

/** W5: readers that load the version from now on retry until endWrite. */
@inline export function beginWrite(head: usize): void {
  store32(head, load32(head, BKT_VERSION) | VERSION_WRITING, BKT_VERSION);
}

/** W7: publishes every store since beginWrite; readers that saw the old version retry. */
@inline export function endWrite(head: usize): void {
  store32(head, (load32(head, BKT_VERSION) & ~VERSION_WRITING) + VERSION_STEP, BKT_VERSION);
}
