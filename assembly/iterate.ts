// Weakly consistent iteration, across growths.
//
// The facade iterates over *logical buckets*: the 2^B0 classes of keys by their low B0 hash
// bits, B0 being the table's B when the iteration started. A key's hash never changes, so every
// key belongs to exactly one logical bucket, whatever table it lives in now. Each call copies
// whole logical buckets into the staging area, each read as it is at one moment; so:
//  - no key is yielded twice (its logical bucket is read once, and within one read each
//    physical chain is read once, at one version);
//  - a key present for the whole iteration is yielded (it is in its logical bucket when read);
//  - keys added or removed meanwhile may or may not be seen (Java's ConcurrentHashMap promises
//    the same).
// Reading a logical bucket starts at the oldest live table. A chain that is EVACUATED is
// followed into the next table (TBL_NEXT), to its one or two children that can hold keys of this
// logical bucket. Tables wider than 2^B0 hold a logical bucket in several chains; narrower ones
// (the old table of a growth under way at the start) share a chain between logical buckets,
// so there entries are filtered by hash.
//
// Output (from staging + STAGE_DATA), per entry: keyLenWord u32, valueLenWord u32, the key
// (inline: 8 bytes, an f64; blob: its bytes, padded to 8), the value (likewise).

import { reachTable } from "./view";
import {
  ROOT_TABLE, ROOT_OLD_TABLE, KEY_BLOB, KEY_INT32, VALUE_BLOB, STAGE_DATA, STAGE_CURSOR,
  STAGE_COUNT, STAGE_NEED_BYTES, VERSION_WRITING, VERSION_EVACUATED, bucketBytes, BUCKET_SLOTS,
  blobPtr, blobBytes, blobLenWord, align8, tableBucket, tableB, tableMask, tableNext, VALUE_DELETED, isTombstoneValue,
} from "./layout";
import { OK, DONE, NEEDS_SPACE } from "./status";
import { load32 } from "./lock";
import { currentRoot } from "./root";
import { pin, unpin } from "./epoch";
import { version, tophashes, usedSlots, isDeleted, overflowOf, slotKey, slotValue } from "./bucket";
import { keyHash, inBounds } from "./keys";
import { readStall } from "./hooks";
import { mapKeyKind, mapValueKind, mapSeed, stagingArea, stagingBytes, deletesByMark } from "./map";

/** Output position (absolute address) and entry count of the call in progress. */
let out: usize = 0;
let outEnd: usize = 0;
let outCount: u32 = 0;
/** Set when the staging area filled up during the current logical bucket. */
let outFull: bool = false;

/** The B to pass as B0: the current table's. */
export function iterationWidth(): u32 {
  return tableB(load32(currentRoot() + ROOT_TABLE));
}

/**
 * Copies logical buckets cursor, cursor+1, … of width B0 into staging until it is full.
 * Returns OK (more to come; the next cursor in STAGE_CURSOR), DONE (this was the last), or
 * NEEDS_SPACE (not even one logical bucket fits; STAGE_NEED_BYTES says a size to try).
 */
export function iterate(cursor: u32, width: u32): i32 {
  return iterateRoots(cursor, width, 0);
}

/**
 * iterate, reading each logical bucket in the current root and then in `alsoRoot` (0: none).
 * Strategy 'read-mostly' passes its dirty root, under rmLock so that no key moves between the
 * two reads (readmostly.ts, M9): a key lives in one root at a time, so it is yielded once.
 */
export function iterateRoots(cursor: u32, width: u32, alsoRoot: usize): i32 {
  secondRoot = alsoRoot;
  const staging = stagingArea();
  out = staging + STAGE_DATA;
  outEnd = staging + stagingBytes();
  outCount = 0;
  const logicalBuckets: u64 = <u64>1 << width;
  let next = cursor;
  pin();
  while (<u64>next < logicalBuckets) {
    const mark = out;
    const markCount = outCount;
    visitLogical(next, width);
    if (outFull) {
      out = mark;
      outCount = markCount;
      break;
    }
    next++;
  }
  unpin();
  store<u32>(staging, next, STAGE_CURSOR);
  store<u32>(staging, outCount, STAGE_COUNT);
  if (outFull && outCount == 0) {
    store<u32>(staging, stagingBytes() * 2, STAGE_NEED_BYTES);
    outFull = false;
    return NEEDS_SPACE;
  }
  outFull = false;
  return <u64>next >= logicalBuckets ? DONE : OK;
}

/** iterateRoots' second root for the call in progress, 0 for none. */
let secondRoot: usize = 0;

function visitLogical(logical: u32, width: u32): void {
  visitRoot(currentRoot(), logical, width);
  if (secondRoot != 0 && !outFull) visitRoot(secondRoot, logical, width);
}

function visitRoot(root: usize, logical: u32, width: u32): void {
  const table = load32(root + ROOT_TABLE);
  const old = load32(root + ROOT_OLD_TABLE);
  // Pinned: neither table can be freed before unpin, and their B, mask and next stay readable.
  visitTable(old != 0 ? old : table, logical, width);
}

/** Every chain of `table` that can hold keys of logical bucket `logical`. */
function visitTable(table: usize, logical: u32, width: u32): void {
  reachTable(table); // view.ts
  const B = tableB(table);
  if (B <= width) {
    visitChain(table, logical & tableMask(table), logical, width);
    return;
  }
  const copies: u32 = <u32>1 << (B - width);
  for (let k: u32 = 0; k < copies && !outFull; k++) {
    visitChain(table, logical + (k << width), logical, width);
  }
}

function visitChain(table: usize, index: u32, logical: u32, width: u32): void {
  const head = tableBucket(table, index);
  const filter = tableB(table) < width;
  while (true) {
    const v1 = version(head);
    if (v1 & VERSION_WRITING) continue; // a writer is mid-change: its critical section is short
    if (v1 & VERSION_EVACUATED) {
      visitChildren(table, index, logical, width);
      return;
    }
    const mark = out;
    const markCount = outCount;
    if (copyChain(head, v1, logical, width, filter)) return;
    out = mark; // torn read: drop what this chain wrote and read it again
    outCount = markCount;
    if (outFull) return;
  }
}

/** The chains of the next table that old chain `index` was evacuated into, for this logical bucket. */
function visitChildren(table: usize, index: u32, logical: u32, width: u32): void {
  const next = tableNext(table);
  const B = tableB(table);
  if (tableB(next) == B) {
    visitChain(next, index, logical, width);
    return;
  }
  // Doubling: children index (X) and index + 2^B (Y). Where the next table is no wider than the
  // logical buckets, only the child whose low bits agree with `logical` can hold its keys.
  visitChild(next, index, B, logical, width);
  if (!outFull) visitChild(next, index + (<u32>1 << B), B, logical, width);
}

function visitChild(next: usize, child: u32, parentB: u32, logical: u32, width: u32): void {
  if (parentB + 1 <= width && child != (logical & tableMask(next))) return;
  visitChain(next, child, logical, width);
}

/** Copies one chain's entries (of this logical bucket) out; false if its version moved. */
function copyChain(head: usize, v1: u32, logical: u32, width: u32, filter: bool): bool {
  const keyKind = mapKeyKind();
  const valueKind = mapValueKind();
  const seed = mapSeed();
  const mask: u64 = (<u64>1 << width) - 1;
  let bucket = head;
  while (true) {
    const tops = tophashes(bucket);
    const used = usedSlots(tops);
    for (let slot: u32 = 0; slot < used; slot++) {
      if (isDeleted(tops, slot)) continue; // a tombstone (C5)
      const key = slotKey(bucket, slot);
      readStall();
      const value = slotValue(bucket, slot);
      if (version(head) != v1) return false; // the words may be torn: check before dereferencing
      if (value == VALUE_DELETED && deletesByMark()) continue; // read-mostly: deleted in place (M5)
      if (isTombstoneValue(value)) continue; // buried after the tophash was read (R6a)
      if (filter && (keyHash(key, keyKind, seed) & mask) != <u64>logical) continue;
      if (!emit(key, value, keyKind, valueKind)) return false;
    }
    if (used < BUCKET_SLOTS) break; // the link is read only from full buckets
    const next = overflowOf(bucket);
    if (next == 0) break;
    if (version(head) != v1 || !inBounds(next, bucketBytes())) return false;
    bucket = next;
  }
  return version(head) == v1; // blobs copied above were still the chain's at this point
}

function emit(key: u64, value: u64, keyKind: u32, valueKind: u32): bool {
  const keyBytes = keyKind == KEY_BLOB ? align8(blobBytes(key)) : 8;
  const valueBytes = valueKind == VALUE_BLOB ? align8(blobBytes(value)) : 8;
  const size: usize = 8 + <usize>keyBytes + <usize>valueBytes;
  if (out + size > outEnd) {
    outFull = true;
    return false;
  }
  store<u32>(out, keyKind == KEY_BLOB ? blobLenWord(key) : 0);
  store<u32>(out, valueKind == VALUE_BLOB ? blobLenWord(value) : 0, 4);
  let at = out + 8;
  if (keyKind == KEY_BLOB) {
    if (!inBounds(blobPtr(key), blobBytes(key))) return false;
    memory.copy(at, blobPtr(key), blobBytes(key));
  } else {
    store<f64>(at, keyKind == KEY_INT32 ? <f64><i32><u32>key : reinterpret<f64>(key));
  }
  at += keyBytes;
  if (valueKind == VALUE_BLOB) {
    if (!inBounds(blobPtr(value), blobBytes(value))) return false;
    memory.copy(at, blobPtr(value), blobBytes(value));
  } else {
    store<u64>(at, value);
  }
  out = at + valueBytes;
  outCount++;
  return true;
}
