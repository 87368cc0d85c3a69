// One map operation end to end: take the caller's key from the staging area, pin (writers), find the
// table, help a growth in progress, lock the chain, act, publish, unlock, retire, unpin.
//
// The steps named here (R1–R7 for readers, W1–W10 for writers) are written out in
// assembly/README.md. Every export in index.ts is one call into this file.
//
// The calling convention: one export per verb, not one per verb and key kind. The key kind is
// fixed per map and cached in this thread's globals at attach, so the branch on it is always
// predicted the same way, and the facade calls the same export whatever the kind:
//   number keys: the number itself;   int32 keys: the integer;
//   blob keys (string, bytes): the key's length word, its bytes at staging + STAGE_DATA.
// Blob values follow the key in staging (at `dataEnd`, 8-aligned), an expected value after the
// new one; inline values travel as f64 parameters.

import { reach } from "./view";
import {
  MAP_HEADER, HDR_TABLE, HDR_OLD_TABLE, HDR_TABLES_GEN, HDR_KEY_KIND, HDR_VALUE_KIND, HDR_SEED,
  HDR_STRATEGY, STRATEGY_CONCURRENT, STRATEGY_READ_MOSTLY, VALUE_DELETED, HDR_ROOT, ROOT_TABLE, ROOT_OLD_TABLE,
  BKT_LOCK, KEY_NUMBER, KEY_BLOB, VALUE_BLOB, VALUE_INT32, STAGE_DATA, STAGE_RESULT,
  STAGE_RESULT_LEN, STAGE_RESULT_AT, STAGE_NEED_BYTES, TS_STAGING, TS_STAGING_SIZE, LEN_BYTES_MASK, MAX_KEY_BYTES,
  MAX_VALUE_BYTES, bucketBytes, VERSION_EVACUATED, blobWord, blobPtr, blobBytes, blobLenWord,
  align8, tableBucket, tableMask, keyInSlot, setGeometry, slotAddr, SLOT_VALUE, isTombstoneValue,
} from "./layout";
import {
  OK, INSERTED, FOUND, NOT_FOUND, MISMATCH, OUT_OF_MEMORY, NEEDS_SPACE, KEY_TOO_LARGE,
  VALUE_TOO_LARGE,
} from "./status";
import { hashInline, hashBytes, tophash, numberKeyBits } from "./hash";
import { lock, unlock, load32, load64, cas64, swap64 } from "./lock";
import { pin, unpin, retire, tick, collect } from "./epoch";
import { alloc, free } from "./alloc";
import { selfSlot, countEntries } from "./thread";
import { valueEquals, retireKey } from "./keys";
import { version, slotValue, slotKey } from "./bucket";
import {
  readChain, chainFind, chainInsert, chainSetValue, chainCasValue, chainRemove, chainBury, buriesHard, tablesGen, readValue,
  readVersion, foundBucket, foundSlot, addedOverflow, takeTombstonesWaiting, setWaitForTombstones, READ_FOUND, READ_MISSING, READ_EVACUATED,
} from "./table";
import { growWork, maybeGrow } from "./evacuate";
import { loadRoots, currentRoot, useRootOf } from "./root";

// ── This thread's copy of the map's identity (immutable after initMap) ─────────────────────────
let keyKind: u32 = 0;
let valueKind: u32 = 0;
let seed: u64 = 0;
let staging: usize = 0;
let stagingSize: u32 = 0;
/**
 * Only strategy 'concurrent' locks chains: the others exclude other writers already, with the
 * owner word (owner.ts, O1) or the map's write lock (rwlock.ts, L1–L2).
 */
let chainLocks: bool = true;
/**
 * Strategy 'read-mostly' (readmostly.ts): a delete in the read snapshot (root 0) marks the value
 * DELETED in place instead of unlinking the entry (M5), and iteration skips DELETED entries.
 */
let marksDeleted: bool = false;
/**
 * Strategy 'concurrent' with inline values: an overwrite of a present key, and a delete or an
 * insert over the key's soft tombstone, is one CAS on its value word, with no lock (fast64.ts,
 * C1–C7), so a delete leaves a tombstone (table.ts chainBury), an
 * evacuation freezes each value before copying it, and every change of a present key's value
 * under the lock is an atomic swap or CAS too.
 */
let casOverwrites: bool = false;
@inline export function deletesByMark(): bool { return marksDeleted; }
@inline export function locksChains(): bool { return chainLocks; }
@inline export function overwritesByCas(): bool { return casOverwrites; }

/** Called after registerThread and whenever the staging area moves. */
export function loadIdentity(): void {
  chainLocks = load<u32>(MAP_HEADER + HDR_STRATEGY) == STRATEGY_CONCURRENT;
  marksDeleted = load<u32>(MAP_HEADER + HDR_STRATEGY) == STRATEGY_READ_MOSTLY;
  loadRoots();
  keyKind = load<u32>(MAP_HEADER + HDR_KEY_KIND);
  setGeometry(keyKind);
  valueKind = load<u32>(MAP_HEADER + HDR_VALUE_KIND);
  casOverwrites = chainLocks && valueKind != VALUE_BLOB;
  seed = load<u64>(MAP_HEADER + HDR_SEED);
  staging = load<u32>(selfSlot(), TS_STAGING);
  stagingSize = load<u32>(selfSlot(), TS_STAGING_SIZE);
}

@inline export function mapKeyKind(): u32 { return keyKind; }
@inline export function mapValueKind(): u32 { return valueKind; }
@inline export function mapSeed(): u64 { return seed; }
@inline export function stagingArea(): usize { return staging; }
@inline export function stagingBytes(): u32 { return stagingSize; }

// ── The probe: the caller's key as the table sees it ───────────────────────────────────────────
let probeHash: u64 = 0;
let probeWord: u64 = 0;
let probeTop: u8 = 0;
/** Staging offset just past the key: where a blob value starts. */
let dataEnd: usize = STAGE_DATA;

/**
 * Probes `key` ahead of the operation and makes its shard the current root, so that a sharded
 * map can lock the root first (shards.ts, S1). The operation then probes again: the same hash
 * and root. TODO(issue5): that second hash is the price of keeping setProbe free of a check on
 * every other strategy's path (3% on a 1K-entry get, measured with bench/ab-core.js).
 */
export function prepareProbe(key: f64): i32 {
  const status = setProbe(key);
  if (status == OK) useRootOf(probeHash); // other maps keep root 0
  return status;
}

function setProbe(key: f64): i32 {
  if (keyKind == KEY_BLOB) {
    const bytes = <u32>key & LEN_BYTES_MASK;
    if (bytes > MAX_KEY_BYTES) return KEY_TOO_LARGE;
    if (STAGE_DATA + <usize>bytes > <usize>stagingSize) return needSpace(STAGE_DATA + bytes);
  }
  setProbeHashed(key, keyKind == KEY_BLOB
    ? hashBytes(staging + STAGE_DATA, <u32>key & LEN_BYTES_MASK, <u32>key, seed)
    : hashInline(inlineKeyWord(key), seed));
  return OK;
}

@inline function inlineKeyWord(key: f64): u64 {
  return keyKind == KEY_NUMBER ? numberKeyBits(key) : <u64><u32><i32>key;
}

/**
 * setProbe for a key whose checks passed and whose `hash` the caller has (fast64.ts, which
 * hashed it for its own search): the held-chain inserts need not hash it again.
 */
@inline function setProbeHashed(key: f64, hash: u64): void {
  if (keyKind == KEY_BLOB) {
    probeWord = blobWord(staging + STAGE_DATA, <u32>key);
    dataEnd = STAGE_DATA + align8(<u32>key & LEN_BYTES_MASK);
  } else {
    probeWord = inlineKeyWord(key);
    dataEnd = STAGE_DATA;
  }
  probeHash = hash;
  probeTop = tophash(hash);
}

@inline function needSpace(bytes: usize): i32 {
  store<u32>(staging, <u32>bytes, STAGE_NEED_BYTES);
  return NEEDS_SPACE;
}

// ── Values ─────────────────────────────────────────────────────────────────────────────────────
/** The value word of the staged or inline value, or the blob in staging it points into. */
let stagedValue: u64 = 0;

/**
 * The word of an inline value argument: an int32 is stored as the f64 of the integer, and every
 * NaN as the canonical one, so that no value is a reserved word (layout.ts isReservedValue).
 */
@inline export function inlineValueWord(value: f64): u64 {
  if (valueKind == VALUE_INT32) return reinterpret<u64>(<f64><i32>value);
  return value != value ? CANONICAL_NAN : reinterpret<u64>(value);
}
const CANONICAL_NAN: u64 = 0x7ff8000000000000;
/**
 * How much a hard tombstone counts toward the next collect (epoch.ts tick): it ages as the epoch
 * moves (C6). Soft ones (C7) count nothing: they age from their hardening, after which the
 * inserter collects (ageTombstones).
 */
export const TOMBSTONE_TICKS: u32 = 4;

/** Reads a value argument: inline, or a blob in staging at `offset` (not copied). */
function stageValue(value: f64, lenWord: i32, offset: usize): i32 {
  if (valueKind != VALUE_BLOB) {
    stagedValue = inlineValueWord(value);
    return OK;
  }
  const bytes = <u32>lenWord & LEN_BYTES_MASK;
  if (bytes > MAX_VALUE_BYTES) return VALUE_TOO_LARGE;
  if (offset + <usize>bytes > <usize>stagingSize) return needSpace(offset + bytes);
  stagedValue = blobWord(staging + offset, <u32>lenWord);
  return OK;
}

/** The map's own copy of a staged value: a new blob for blob values. 0 means out of memory. */
let ownedValue: u64 = 0;
function ownValue(): bool {
  if (valueKind != VALUE_BLOB) {
    ownedValue = stagedValue;
    return true;
  }
  const copy = copyBlob(stagedValue);
  if (copy == u64.MAX_VALUE) return false;
  ownedValue = copy;
  return true;
}

/** A new blob with the bytes of `word`'s blob, or u64.MAX_VALUE when out of memory. */
function copyBlob(word: u64): u64 {
  const bytes = blobBytes(word);
  if (bytes == 0) return blobWord(0, blobLenWord(word));
  const ptr = alloc(bytes);
  if (ptr == 0) return u64.MAX_VALUE;
  reach(<u64>blobPtr(word) + bytes);
  memory.copy(ptr, blobPtr(word), bytes);
  return blobWord(ptr, blobLenWord(word));
}

/** Frees a blob that was never published (a failed insert's copies). */
@inline function discardBlob(word: u64): void {
  free(blobPtr(word), blobBytes(word));
}

/** Retires a blob that was published and is now unlinked (W9). */
@inline function retireBlob(word: u64): void {
  retire(blobPtr(word), blobBytes(word));
}

/**
 * Writes a value into the staging result: an f64 at STAGE_RESULT, or a blob's bytes at `dataEnd`
 * (just past the staged key, which a reader may still need to retry) with their offset at
 * STAGE_RESULT_AT and length word at STAGE_RESULT_LEN.
 */
function putResult(word: u64): i32 {
  if (valueKind != VALUE_BLOB) {
    store<u64>(staging, word, STAGE_RESULT);
    return OK;
  }
  const bytes = blobBytes(word);
  if (dataEnd + <usize>bytes > <usize>stagingSize) return needSpace(dataEnd + bytes);
  reach(<u64>blobPtr(word) + bytes); // view.ts: another thread may have allocated the blob
  memory.copy(staging + dataEnd, blobPtr(word), bytes);
  store<u32>(staging, blobLenWord(word), STAGE_RESULT_LEN);
  store<u32>(staging, <u32>dataEnd, STAGE_RESULT_AT);
  return OK;
}

// ── Readers ────────────────────────────────────────────────────────────────────────────────────
/** The head whose version validated the last lookup (R7 re-checks it after copying a blob). */
let lookupHead: usize = 0;

/** R2–R6: FOUND (value word in readValue) or NOT_FOUND. Never writes shared memory. */
function lookup(): i32 {
  while (true) {
    const gen = tablesGen(); // R2
    const table = load32(currentRoot() + ROOT_TABLE);
    const old = load32(currentRoot() + ROOT_OLD_TABLE);
    const mask = tableMask(table);
    const oldMask = old != 0 ? tableMask(old) : 0;
    if (tablesGen() != gen) continue; // a table was retired: the masks may be stale bytes
    if (old != 0) { // R3: a key lives in the old table until its bucket is evacuated
      const head = tableBucket(old, <u32>probeHash & oldMask);
      reach(<u64>head + bucketBytes()); // view.ts
      const status = readChain(head, probeTop, probeWord, keyKind, gen);
      if (status == READ_FOUND || status == READ_MISSING) {
        lookupHead = head;
        return status == READ_FOUND ? FOUND : NOT_FOUND;
      }
      if (status != READ_EVACUATED) continue;
    }
    const head = tableBucket(table, <u32>probeHash & mask); // R4
    reach(<u64>head + bucketBytes());
    const status = readChain(head, probeTop, probeWord, keyKind, gen);
    if (status == READ_FOUND || status == READ_MISSING) {
      lookupHead = head;
      return status == READ_FOUND ? FOUND : NOT_FOUND;
    }
    // Retry, or `table` became the old table of a growth that started after R2.
  }
}

/** get (R1–R7): the value goes to the staging result. */
export function get(key: f64): i32 {
  let status = setProbe(key);
  if (status != OK) return status;
  while (true) { // R1: readers do not pin (assembly/README.md says why)
    status = lookup();
    if (status != FOUND) break;
    status = putResult(readValue);
    if (status != OK) break;
    // R7: a blob copied after validation may have been replaced, freed and reused meanwhile.
    if (valueKind == VALUE_BLOB && version(lookupHead) != readVersion) continue;
    status = FOUND;
    break;
  }
  return status;
}

export function has(key: f64): i32 {
  const status = setProbe(key);
  if (status != OK) return status;
  return lookup();
}

/**
 * get for a read-mostly snapshot (readmostly.ts, M1): as get (R1–R7), but a DELETED value word
 * is NOT_FOUND. Kept apart from get so that no other strategy's read pays the comparison.
 */
export function getLive(key: f64): i32 {
  let status = setProbe(key);
  if (status != OK) return status;
  while (true) {
    status = lookup();
    if (status != FOUND) break;
    if (readValue == VALUE_DELETED) { // M1: deleted in the snapshot (sync.Map's nil entry)
      status = NOT_FOUND;
      break;
    }
    status = putResult(readValue);
    if (status != OK) break;
    if (valueKind == VALUE_BLOB && version(lookupHead) != readVersion) continue; // R7
    status = FOUND;
    break;
  }
  return status;
}

/** has for a read-mostly snapshot: FOUND only for an entry that is not DELETED. */
export function hasLive(key: f64): i32 {
  const status = setProbe(key);
  if (status != OK) return status;
  const found = lookup();
  return found == FOUND && readValue == VALUE_DELETED ? NOT_FOUND : found;
}

// ── Writers ────────────────────────────────────────────────────────────────────────────────────
/** The table of the chain lockChain locked. */
let lockedTable: usize = 0;

/**
 * W2–W4: locks the chain of the probe in the current table, after evacuating its old bucket.
 * If that evacuation runs out of memory, it locks the old chain instead (still correct: the
 * evacuation will carry the change over), so that operations needing no memory, delete above
 * all, keep working on a full map. Precondition: pinned.
 */
function lockChain(): usize {
  while (true) {
    const table = load32(currentRoot() + ROOT_TABLE);
    const old = load32(currentRoot() + ROOT_OLD_TABLE);
    let target = table;
    if (old != 0 && growWork(old, probeHash, keyKind, seed) == OUT_OF_MEMORY) target = old;
    const head = tableBucket(target, <u32>probeHash & tableMask(target));
    reach(<u64>head + bucketBytes()); // view.ts
    if (chainLocks) lock(head + BKT_LOCK); // W3
    if ((version(head) & VERSION_EVACUATED) == 0) { // W4
      lockedTable = target;
      return head;
    }
    unlockChain(head); // the table became old meanwhile: start over
  }
}

/** W8, unless lockChain took no chain lock (strategies other than 'concurrent'). */
@inline function unlockChain(head: usize): void {
  if (chainLocks) unlock(head + BKT_LOCK);
}

/**
 * Inserts the probe with `value` (already the map's own copy) into the locked chain: copies a
 * long blob key into a blob of the map first (a short one goes into its slot: bucket.ts setSlot).
 * False, with nothing changed, when out of memory.
 */
function insertLocked(head: usize, value: u64): bool {
  let key = probeWord;
  const ownBlob = keyKind == KEY_BLOB && !keyInSlot(probeWord);
  if (ownBlob) {
    key = copyBlob(probeWord);
    if (key == u64.MAX_VALUE) return false;
  }
  if (!chainInsert(lockedTable, head, probeTop, key, value, keyKind)) {
    if (ownBlob) discardBlob(key);
    return false;
  }
  return true;
}

/** W8–W10 after an insert: count it, and start a growth if it needed an overflow bucket. */
function afterInsert(head: usize): void {
  const grew = addedOverflow;
  const table = lockedTable;
  unlockChain(head); // W8
  countEntries(1);
  if (grew) maybeGrow(table, keyKind, seed); // G1
}

/**
 * Inserts the probe with ownedValue into the locked chain and unlocks it: INSERTED, or
 * OUT_OF_MEMORY with nothing changed and the owned value freed.
 */
function insertOwnedValue(head: usize): i32 {
  if (insertLocked(head, ownedValue)) {
    afterInsert(head);
    return INSERTED;
  }
  unlockChain(head);
  if (valueKind == VALUE_BLOB) discardBlob(ownedValue);
  return OUT_OF_MEMORY;
}

export function set(key: f64, value: f64, valueLen: i32): i32 {
  let status = setOnce(key, value, valueLen);
  for (let attempt = 0; status == OUT_OF_MEMORY && ageTombstones(attempt); attempt++) status = setOnce(key, value, valueLen);
  setWaitForTombstones(true);
  return status;
}

/** How many times an insert moves the epoch on and tries again for its chain's tombstones (C7). */
const AGING_ATTEMPTS: i32 = 3;

/**
 * An insert found its chain full but for tombstones, which are room once old enough (C4, C7;
 * table.ts chainInsert hardened the soft ones and gave up). Moves the epoch on as far as other
 * threads' pins allow (three collects, E3) and says whether to try again: a tombstone hardened on
 * one try is old enough on the next if no thread stayed pinned meanwhile. From the second try on
 * chainInsert links a new bucket rather than wait again, and the caller puts that back after its
 * last try. OUT_OF_MEMORY also comes here: its chain's tombstones may be room. Precondition:
 * unpinned.
 */
function ageTombstones(attempt: i32): bool {
  if (attempt >= AGING_ATTEMPTS || !takeTombstonesWaiting()) return false;
  collect();
  collect();
  collect();
  if (attempt >= 1) setWaitForTombstones(false);
  return true;
}

function setOnce(key: f64, value: f64, valueLen: i32): i32 {
  let status = setProbe(key);
  if (status == OK) status = stageValue(value, valueLen, dataEnd);
  if (status != OK) return status;
  pin(); // W1
  if (!ownValue()) {
    unpin();
    return OUT_OF_MEMORY;
  }
  const head = lockChain();
  if (chainFind(head, probeTop, probeWord, keyKind)) {
    if (casOverwrites) { // the slot may hold the key's soft tombstone (C7)
      status = putAtSlot(slotAddr(foundBucket, foundSlot), ownedValue) ? INSERTED : OK;
      unlockChain(head);
    } else {
      const replaced = slotValue(foundBucket, foundSlot);
      chainSetValue(head, foundBucket, foundSlot, ownedValue, valueKind == VALUE_BLOB);
      unlockChain(head);
      if (valueKind == VALUE_BLOB) retireBlob(replaced); // W9
      status = OK;
    }
  } else {
    status = insertOwnedValue(head);
  }
  unpin(); // W10
  return status;
}

/**
 * The rest of set for fast64.ts when the key is missing: the caller holds the chain at `head` of
 * `table` (W1 pinned, W2 with no growth work due, W3 locked or a strategy's write bracket, W4
 * checked) and found no key there, so the insert needs no second lock and search. Inline values
 * only; the key passed fast64's checks, so setProbe is OK. Inserts, unlocks (W8) and unpins (W10).
 */
export function insertHeld(key: f64, value: f64, hash: u64, head: usize, table: usize): i32 {
  setProbeHashed(key, hash);
  ownedValue = inlineValueWord(value);
  lockedTable = table;
  const status = insertOwnedValue(head);
  unpin(); // W10
  return status;
}

/** Inserts `value` unless the key is present; FOUND puts the present value in the result. */
export function getOrInsert(key: f64, value: f64, valueLen: i32): i32 {
  let status = getOrInsertOnce(key, value, valueLen);
  for (let attempt = 0; status == OUT_OF_MEMORY && ageTombstones(attempt); attempt++) {
    status = getOrInsertOnce(key, value, valueLen);
  }
  setWaitForTombstones(true);
  return status;
}

function getOrInsertOnce(key: f64, value: f64, valueLen: i32): i32 {
  let status = setProbe(key);
  if (status == OK) status = stageValue(value, valueLen, dataEnd);
  if (status != OK) return status;
  pin();
  const head = lockChain();
  if (chainFind(head, probeTop, probeWord, keyKind)) {
    const present = casOverwrites ? reviveAtSlot(slotAddr(foundBucket, foundSlot), stagedValue) : slotValue(foundBucket, foundSlot);
    if (present == REVIVED) {
      unlockChain(head);
      countEntries(1);
      status = INSERTED;
    } else {
      status = putResult(present); // under the lock: the blob is stable
      unlockChain(head);
      if (status == OK) status = FOUND;
    }
  } else if (!ownValue()) {
    unlockChain(head);
    status = OUT_OF_MEMORY;
  } else {
    status = insertOwnedValue(head);
  }
  unpin();
  return status;
}

/**
 * Removes the entry at (bucket, slot) of the locked chain, unlocks, retires its memory. Where
 * overwrites take no lock, `expected` (not u64.MAX_VALUE) is compareAndDelete's value, which the
 * tombstone's CAS checks again (C5); false, unlocked and nothing changed, if it no longer holds
 * or the slot holds the key's soft tombstone (C7): deletes without the lock may come first.
 * Elsewhere the lock keeps the value the caller compared.
 */
function removeFound(head: usize, bucket: usize, slot: u32, expected: u64 = u64.MAX_VALUE): bool {
  if (marksDeleted && currentRoot() == MAP_HEADER + HDR_ROOT) { // read-mostly snapshot: M5
    const deleted = slotValue(bucket, slot);
    chainSetValue(head, bucket, slot, VALUE_DELETED, valueKind == VALUE_BLOB); // one word, W6a or W5–W7
    unlockChain(head);
    if (valueKind == VALUE_BLOB) retireBlob(deleted); // the key stays: the slot still holds it
    countEntries(-1);
    return true;
  }
  const key = slotKey(bucket, slot);
  if (casOverwrites) { // C5: a tombstone, not a move
    const buried = chainBury(head, bucket, slot, expected, keyKind, valueKind) != u64.MAX_VALUE;
    unlockChain(head); // W8
    if (!buried) return false;
    retireKey(key, keyKind); // W9
    countEntries(-1);
    // A hard tombstone ages from now, as the epoch moves (C6); a soft one from its hardening (C7).
    if (buriesHard(key, keyKind)) tick(TOMBSTONE_TICKS);
    return true;
  }
  const value = slotValue(bucket, slot);
  const unlinked = chainRemove(lockedTable, head, bucket, slot);
  unlockChain(head); // W8
  retireKey(key, keyKind); // W9
  if (valueKind == VALUE_BLOB) retireBlob(value);
  if (unlinked != 0) retire(unlinked, bucketBytes());
  countEntries(-1);
  return true;
}

export function remove(key: f64): i32 {
  const status = setProbe(key);
  if (status != OK) return status;
  pin();
  const head = lockChain();
  let result = NOT_FOUND;
  if (chainFind(head, probeTop, probeWord, keyKind)) {
    if (removeFound(head, foundBucket, foundSlot)) result = OK; // false: a soft tombstone (C7)
  } else {
    unlockChain(head);
  }
  unpin();
  return result;
}

/**
 * remove for fast64.ts when the key is present: the caller holds the chain at `head` of `table`
 * (as for insertHeld) and found the key at (bucket, slot). Removes, unlocks (W8), retires (W9)
 * and unpins (W10).
 */
export function removeHeld(head: usize, table: usize, bucket: usize, slot: u32): i32 {
  lockedTable = table;
  removeFound(head, bucket, slot);
  unpin(); // W10
  return OK;
}

/**
 * The common start of the compare-and-* operations: pins and locks the key's chain (W1–W4), and
 * says whether the key is there (MISMATCH if it holds another value than `expected`, FOUND if
 * it holds `expected`, at foundBucket/foundSlot). The caller unlocks and unpins.
 */
function lockAndCompare(expected: u64): i32 {
  pin();
  lockedHead = lockChain();
  if (!chainFind(lockedHead, probeTop, probeWord, keyKind)) return NOT_FOUND;
  const value = slotValue(foundBucket, foundSlot);
  if (casOverwrites && isTombstoneValue(value)) return NOT_FOUND; // its soft tombstone (C7)
  return valueEquals(value, expected, valueKind) ? FOUND : MISMATCH;
}

let lockedHead: usize = 0;

/** Staging holds key | next | expected; replaces the value only if it equals `expected`. */
export function compareAndSet(key: f64, expected: f64, expectedLen: i32, next: f64, nextLen: i32): i32 {
  let status = setProbe(key);
  if (status == OK) status = stageValue(next, nextLen, dataEnd);
  const nextBytes = valueKind == VALUE_BLOB ? align8(<u32>nextLen & LEN_BYTES_MASK) : 0;
  const nextWord = stagedValue;
  if (status == OK) status = stageValue(expected, expectedLen, dataEnd + nextBytes);
  if (status != OK) return status;
  const expectedWord = stagedValue;
  stagedValue = nextWord;
  status = lockAndCompare(expectedWord);
  let replaced: u64 = 0;
  if (status == FOUND && casOverwrites) { // C3: an overwrite without the lock may come first
    status = chainCasValue(foundBucket, foundSlot, expectedWord, stagedValue, valueKind) ? OK : MISMATCH;
  } else if (status == FOUND) {
    if (ownValue()) {
      replaced = slotValue(foundBucket, foundSlot);
      chainSetValue(lockedHead, foundBucket, foundSlot, ownedValue, valueKind == VALUE_BLOB);
      status = OK;
    } else {
      status = OUT_OF_MEMORY;
    }
  }
  unlockChain(lockedHead);
  if (status == OK && valueKind == VALUE_BLOB) retireBlob(replaced);
  unpin();
  return status;
}

/** Staging holds key | expected; deletes the key only if its value equals `expected`. */
export function compareAndDelete(key: f64, expected: f64, expectedLen: i32): i32 {
  let status = setProbe(key);
  if (status == OK) status = stageValue(expected, expectedLen, dataEnd);
  if (status != OK) return status;
  status = lockAndCompare(stagedValue);
  if (status == FOUND) { // unlocks; an overwrite without the lock may change the value up to its CAS
    status = removeFound(lockedHead, foundBucket, foundSlot, stagedValue) ? OK : MISMATCH;
  } else {
    unlockChain(lockedHead);
  }
  unpin();
  return status;
}

/** `current + delta` in the map's value kind: int32 values wrap as int32 arithmetic does. */
@inline export function sumOf(current: f64, delta: f64): f64 {
  return valueKind == VALUE_INT32 ? <f64>(<i32>current + <i32>delta) : current + delta;
}

/**
 * Adds `delta` to the value of the slot at `at` with a CAS loop, since overwrites without the
 * lock may race it (C5), and returns the sum. A soft tombstone counts as an absent key: the add
 * revives it (C7). Precondition: the caller holds the chain lock and the slot holds the caller's
 * key, so its value is the key's or its soft tombstone.
 */
@inline export function addAtSlot(at: usize, delta: f64): f64 {
  let value = load64(at, SLOT_VALUE);
  while (true) {
    const dead = isTombstoneValue(value);
    const sum = dead ? absentPlus(delta) : sumOf(reinterpret<f64>(value), delta);
    const seen = cas64(at, value, reinterpret<u64>(sum), SLOT_VALUE);
    if (seen == value) {
      if (dead) countEntries(1);
      return sum;
    }
    value = seen;
  }
}

/** What add stores for an absent key: +0 + delta (so -0 becomes +0), int32 values as int32. */
@inline export function absentPlus(delta: f64): f64 {
  return valueKind == VALUE_INT32 ? <f64><i32>delta : 0 + delta;
}

/**
 * The value words of the key at `at`, found under the chain lock in a map whose writes to a
 * present key take no lock: `word` replaces the value or the key's soft tombstone with one swap
 * (C7). True when it was a tombstone: the key is inserted, and counted.
 */
@inline export function putAtSlot(at: usize, word: u64): bool {
  if (!isTombstoneValue(swap64(at, word, SLOT_VALUE))) return false;
  countEntries(1);
  return true;
}

/** reviveAtSlot's answer when it stored the value. */
const REVIVED: u64 = u64.MAX_VALUE;

/**
 * getOrInsert's half of putAtSlot: stores `word` only over the key's soft tombstone (C7), with a
 * CAS. Returns REVIVED (the caller counts the entry), or the value word that was present.
 */
function reviveAtSlot(at: usize, word: u64): u64 {
  let value = load64(at, SLOT_VALUE);
  while (isTombstoneValue(value)) {
    const seen = cas64(at, value, word, SLOT_VALUE);
    if (seen == value) return REVIVED;
    value = seen;
  }
  return value;
}

/**
 * The atomic counter: adds `delta` to the number at `key` (a missing key counts as 0) and puts
 * the sum in the result. int32 values wrap as int32 arithmetic does. Precondition: the map's
 * values are inline (the facade checks).
 */
export function add(key: f64, delta: f64): i32 {
  let status = addOnce(key, delta);
  for (let attempt = 0; status == OUT_OF_MEMORY && ageTombstones(attempt); attempt++) status = addOnce(key, delta);
  setWaitForTombstones(true);
  return status;
}

function addOnce(key: f64, delta: f64): i32 {
  const status = setProbe(key);
  if (status != OK) return status;
  pin();
  const head = lockChain();
  let result: i32;
  if (chainFind(head, probeTop, probeWord, keyKind)) {
    const sum = casOverwrites
      ? addAtSlot(slotAddr(foundBucket, foundSlot), delta) // C5: adds without the lock may come first
      : sumOf(reinterpret<f64>(slotValue(foundBucket, foundSlot)), delta);
    if (!casOverwrites) chainSetValue(head, foundBucket, foundSlot, reinterpret<u64>(sum), false); // W6a
    unlockChain(head);
    store<f64>(staging, sum, STAGE_RESULT);
    result = OK;
  } else {
    result = insertSum(head, delta);
  }
  unpin();
  return result;
}

/**
 * add's insert of the missing probe into the locked chain at `head` (of lockedTable): unlocks,
 * and puts the sum in the result. INSERTED, or OUT_OF_MEMORY with nothing changed.
 */
function insertSum(head: usize, delta: f64): i32 {
  const sum = absentPlus(delta);
  if (!insertLocked(head, reinterpret<u64>(sum))) {
    unlockChain(head);
    return OUT_OF_MEMORY;
  }
  afterInsert(head);
  store<f64>(staging, sum, STAGE_RESULT);
  return INSERTED;
}

/** The rest of add for fast64.ts when the key is missing, as insertHeld is for set. */
export function addHeld(key: f64, delta: f64, hash: u64, head: usize, table: usize): i32 {
  setProbeHashed(key, hash);
  lockedTable = table;
  const status = insertSum(head, delta);
  unpin(); // W10
  return status;
}
