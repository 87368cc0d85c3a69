// clear(): empties every chain, one locked chain at a time, as Java's ConcurrentHashMap does:
// each chain is emptied atomically, the map as a whole is not (a concurrent insert may survive).
//
// A growth that starts during clear moves keys out of chains not yet visited into the new
// table; clear notices (it meets an EVACUATED chain in what it took for the current table) and
// goes round again, so every key present when clear started and never re-inserted is gone.

import { reachTable } from "./view";
import {
  ROOT_TABLE, ROOT_OLD_TABLE, BKT_LOCK, bucketBytes, KEY_BLOB, VALUE_BLOB,
  TBL_OVERFLOW_COUNT, BKT_TOPHASH, VALUE_DELETED, VALUE_TOMBSTONE, TOPHASH_DELETED, blobPtr, blobBytes, isTombstoneValue,
  tableBucket, tableMask,
} from "./layout";
import { lock, unlock, load32, add32, store64 } from "./lock";
import { pin, unpin, retire, tick, epochNow } from "./epoch";
import { countEntries } from "./thread";
import {
  version, tophashes, usedSlots, isDeleted, overflowOf, slotKey, slotValue, swapSlotValue, setTophash,
  setOverflow, beginWrite, endWrite,
} from "./bucket";
import { isEvacuated } from "./evacuate";
import { retireKey } from "./keys";
import { mapKeyKind, mapValueKind, deletesByMark, overwritesByCas } from "./map";
import { currentRoot, rootCount, useRoot } from "./root";

/** Returns OK (the status the 'owned' variant, owner.ts, may replace with a misuse). */
export function clear(): i32 {
  pin();
  for (let i: u32 = 0; i < rootCount(); i++) {
    useRoot(i);
    clearRoot();
  }
  unpin();
  return 0; // status.ts OK
}

/** Empties the current root's tables (root.ts); precondition: pinned. */
export function clearRoot(): void {
  let again = true;
  while (again) {
    const table = load32(currentRoot() + ROOT_TABLE);
    const old = load32(currentRoot() + ROOT_OLD_TABLE);
    if (old != 0) clearTable(old);
    again = clearTable(table);
  }
}

/** Empties every chain of `table` that is not EVACUATED; true if it met an EVACUATED one. */
function clearTable(table: usize): bool {
  reachTable(table); // view.ts
  let metEvacuated = false;
  const buckets = tableMask(table) + 1;
  for (let index: u32 = 0; index < buckets; index++) {
    const head = tableBucket(table, index);
    if (isEvacuated(head)) {
      metEvacuated = true;
      continue;
    }
    if (tophashes(head) == 0) continue; // empty already (an insert racing with it may be missed)
    lock(head + BKT_LOCK);
    if (isEvacuated(head)) metEvacuated = true;
    else clearChain(table, head);
    unlock(head + BKT_LOCK);
  }
  return metEvacuated;
}

/**
 * Precondition: the chain at `head` is locked and not EVACUATED. Where overwrites take no lock
 * (C5), each entry is buried as a delete of a blob-pointer key buries it: its value swapped for a
 * hard tombstone, so that a CAS that found it fails, and its slot kept from other keys until the
 * tombstone is old enough. A soft tombstone (C7) is hardened the same way.
 */
function clearChain(table: usize, head: usize): void {
  const keyKind = mapKeyKind();
  const valueKind = mapValueKind();
  const bury = overwritesByCas();
  const tombstone = VALUE_TOMBSTONE | <u64>epochNow();
  const overflow = overflowOf(head);
  beginWrite(head);
  let removed: i32 = 0;
  let bucket = head;
  while (bucket != 0) {
    const tops = tophashes(bucket);
    const used = usedSlots(tops);
    for (let slot: u32 = 0; slot < used; slot++) {
      if (isDeleted(tops, slot)) continue; // a tombstone: counted out and its key retired already
      const key = slotKey(bucket, slot);
      const value = bury ? swapSlotValue(bucket, slot, tombstone) : slotValue(bucket, slot);
      if (bury) setTophash(bucket, slot, TOPHASH_DELETED);
      retireKey(key, keyKind);
      if (value == VALUE_DELETED && deletesByMark()) continue; // read-mostly (M5): counted out already
      if (bury && isTombstoneValue(value)) continue; // a soft tombstone, hard now: counted out already (C7)
      if (valueKind == VALUE_BLOB) retire(blobPtr(value), blobBytes(value));
      removed++;
    }
    bucket = overflowOf(bucket);
  }
  if (!bury) store64(head, 0, BKT_TOPHASH);
  setOverflow(head, 0);
  endWrite(head);
  if (bury && removed != 0) tick();
  // The overflow buckets are unreachable now; retire them (readers inside see the new version).
  bucket = overflow;
  while (bucket != 0) {
    const next = overflowOf(bucket);
    retire(bucket, bucketBytes());
    add32(table, <u32>-1, TBL_OVERFLOW_COUNT);
    bucket = next;
  }
  countEntries(-removed);
}
