// The fast paths of Go's runtime_fast64.go (and runtime_faststr.go), for inline values with
// inline keys or short blob keys. Readers: `getValue` returns the value itself, and `has` and
// `getValue` answer without leaving this file. Both read the current root lock-free, as strategy
// 'concurrent' reads; 'owned', 'rwlock' and 'sharded' call them inside their own read bracket
// (O5, L3, S2–S4), which a read of the same table needs in any case. Writers: `set` and `add`
// overwrite a present key here, hand an insert to map.ts with the chain they locked, and
// `remove` removes on that chain (below); the same three strategies call them inside their
// write bracket (O3, L1–L2, S1), where no chain is locked.
//
// For inline values (number or int32) and keys that are inline or short blobs (strings and byte
// arrays of at most 16 encoded bytes, held in their slot: layout.ts keyInSlot) the probe repeats
// the reference read (table.ts readChain, steps R2–R6 in assembly/README.md) on purpose, as Go's
// runtime_fast64.go repeats its generic map code: hash, probe and bucket scan in the locals of one
// function, no module global written on a hit, no result stored in staging. The general path
// (map.ts get) makes three calls inside the core and stores the value to staging for JS to load
// back; on a 1K-entry map this path took 0.56x its time, on 1M entries 0.73x (the raw calls, in
// the manner of bench/ab-core.js). For short string keys it took a `get` of a fresh string key on
// 1K entries to 0.84-0.90x its time, and an overwrite to 0.83x (bench/ab-facade.js, plain and
// harness loops): a short key is hashed from two words loaded from staging, and compared with
// the bytes in its slot, not through its key word's pointer (no bounds check, no torn-word check
// before the compare: the slot is table memory, and R6 rejects a compare that raced a move).
// Longer blob keys take map.ts's path.
//
// Anything off the common case goes to map.ts: a growth in progress (the key may be in the old
// table), a chain being written (R5) or evacuated, a version or tables generation that changed
// under the read (R6). The caller then gets exactly what map.ts gives.
//
// getValue's result: the value, or NaN when there is none, *or* the value is NaN itself, or the
// value is a blob (in staging, as map.ts get leaves it), or the operation needs the facade
// (NEEDS_SPACE and the other statuses). The status word in staging (STAGE_STATUS) then says
// which; the facade reads it only after a NaN, so a hit on a number costs one call, and so does
// a miss.
//
// The writers' fast path (lockPresent) is the same idea for W1–W4 and the search: pin, find the
// chain as W2 does, lock it at the first try, find the key. Then:
//   - in 'concurrent' maps an overwrite (`set`, `add` of a present key) takes no lock at all:
//     findLive and casLive below (C1–C6), 1.08x as fast on `balanced` with two threads; and
//     so does a delete, and an insert of a key whose soft tombstone is in its slot (C7);
//   - in the other strategies, inside their write bracket, an overwrite stores the value word
//     (W6a) and unpins;
//     with W6a this took an overwrite to 0.76x the time the general path took before them, add
//     to 0.82x, and the balanced mix to 0.83x (bench/ab-facade.js, harness loop, 1K entries);
//     searching the locked chain here (findLocked) rather than through table.ts chainFind took
//     another 5-8% off overwrites;
//   - an insert (`set` or `add` of a missing key) goes to map.ts insertHeld or addHeld with the
//     chain still locked, the thread pinned and the key's hash, so that it does not lock, search
//     or hash again (the hash: churn on 1K entries 0.90-0.97x the time with string keys, even
//     to 0.92x with number keys, bench/workloads.js sequences, both builds in one process): the
//     harness's churn on 1K entries (bench/workloads.js sequences, one thread) took 0.80-0.85x
//     its time with number keys and 0.87x with string keys, and `add` of missing keys (a fresh
//     count per key) 0.83x with number keys and 0.92x with string keys;
//   - `remove` removes a present key through map.ts removeHeld and answers NOT_FOUND for a
//     missing one without more work: the churn took another 0.90-0.95x with number keys (even
//     with string keys, whose time goes to building and encoding them).
// Anything else (a growth in progress, a lock some other thread holds, an EVACUATED chain, long
// blob keys, blob values in set) unpins and goes to map.ts, which does the whole operation from
// the start.

import { reach, memoryBytes } from "./view";
import {
  ROOT_TABLE, ROOT_OLD_TABLE, VERSION_WRITING, VERSION_EVACUATED, KEY_NUMBER, KEY_BLOB, VALUE_BLOB,
  VALUE_INT32, STAGE_RESULT, STAGE_STATUS, STAGE_DATA, LEN_BYTES_MASK, SHORT_KEY_BYTES, bucketBytesOf, BKT_LOCK, SLOT_KEY,
  SLOT_VALUE, SLOT_KEY_BYTES, tableBucketOf, MAP_HEADER,
  HDR_TABLE, HDR_OLD_TABLE, tableMask, slotAddrOf, blobLenWord, align8, isReservedValue, isTombstoneValue,
  isSoftTombstone, TOMBSTONE_SOFT, VALUE_TOMBSTONE,
} from "./layout";
import { OK, FOUND, NOT_FOUND, OUT_OF_MEMORY } from "./status";
import { hashInline, hashStart, hashStep, tailMask, fmix64, tophash, numberKeyBits } from "./hash";
import { load32, load64, store64, cas64, tryLock, unlock } from "./lock";
import { pin, unpin, epochNow } from "./epoch";
import { countEntries } from "./thread";
import { matchTophash, matchEmpty, firstSlot, tophashes, overflowOfKind, linkOfKind, version } from "./bucket";
import { tablesGen } from "./table";
import { currentRoot } from "./root";
import { inBounds } from "./keys";
import { readStall, writeStall, linkStall } from "./hooks";
import {
  get, has as hasGeneral, set as setGeneral, add as addGeneral, remove as removeGeneral, insertHeld, addHeld,
  removeHeld, stagingArea, mapKeyKind, mapValueKind, mapSeed, locksChains, sumOf, inlineValueWord, stagingBytes,
  overwritesByCas, addAtSlot, putAtSlot, absentPlus,
} from "./map";

// probe's answer when its return value is SENTINEL (a value word can be any 64 bits, so the
// sentinel alone cannot say): written only on those paths, never on a plain hit.
const HIT: i32 = 0;
const MISS: i32 = 1;
const FALLBACK: i32 = 2;
const SENTINEL: u64 = 0xffffffffffffffff;
let outcome: i32 = HIT;
@inline function answer(why: i32): u64 {
  outcome = why;
  return SENTINEL;
}

/** The key word of an inline key. */
@inline function keyBits(key: f64): u64 {
  return mapKeyKind() == KEY_NUMBER ? numberKeyBits(key) : <u64><u32><i32>key;
}

/**
 * Whether a blob key's length word `key` is one this path reads: a short key (its bytes are in
 * its slot: layout.ts keyInSlot) inside the staging area. Longer keys, and the statuses
 * (KEY_TOO_LARGE, NEEDS_SPACE), are map.ts's.
 */
@inline function shortStaged(key: f64): bool {
  const bytes = <u32>key & LEN_BYTES_MASK;
  return bytes <= SHORT_KEY_BYTES && STAGE_DATA + <usize>align8(bytes) <= <usize>stagingBytes();
}

// Short blob keys (at most SHORT_KEY_BYTES, so their bytes are in their slot) are read from
// staging as two words masked to the key's length: hashed as hash.ts hashBytes hashes them, and
// compared with the slot's own bytes without following the key word's pointer.

/** The staged short key's word `half` (0 or 1), 0 past its `bytes` (no load there: staging may end). */
@inline function stagedWord(bytes: u32, half: u32): u64 {
  const from = half << 3;
  return bytes <= from ? 0 : load<u64>(stagingArea() + STAGE_DATA + <usize>from) & tailMask(bytes - from);
}

/** The hash of the key: `bits` (number and int32) or the staged short blob key `key` (a length word). */
@inline function keyHash(key: f64, bits: u64, blob: bool): u64 {
  if (!blob) return hashInline(bits, mapSeed());
  const bytes = <u32>key & LEN_BYTES_MASK;
  let h = hashStart(<u32>key, mapSeed()); // as hash.ts hashBytes
  if (bytes > 0) h = hashStep(h, stagedWord(bytes, 0));
  if (bytes > 8) h = hashStep(h, stagedWord(bytes, 1));
  return fmix64(h);
}

/**
 * Whether the slot at `at` holds the key (as keyHash takes it). A short blob key is compared
 * with the slot's own bytes: the slot is table memory, so the loads are in bounds whatever its
 * key word holds, and a reader's compare that raced a move is rejected by R6, as the reference
 * read's is.
 */
@inline function keyAt(at: usize, key: f64, bits: u64, blob: bool): bool {
  if (!blob) return load64(at, SLOT_KEY) == bits;
  const bytes = <u32>key & LEN_BYTES_MASK;
  return blobLenWord(load64(at, SLOT_KEY)) == <u32>key &&
    (load64(at, SLOT_KEY_BYTES) & tailMask(bytes)) == stagedWord(bytes, 0) &&
    (bytes <= 8 || (load64(at, SLOT_KEY_BYTES + 8) & tailMask(bytes - 8)) == stagedWord(bytes, 1));
}

/**
 * R2–R6 on the current table only: the value word, or SENTINEL with `outcome` saying why.
 * `blob` is a constant at each call, so each call site compiles to one key kind's probe: number
 * and int32 keys, or short blob keys.
 */
@inline function probe(key: f64, blob: bool): u64 {
  if (blob && !shortStaged(key)) return answer(FALLBACK);
  const bits = blob ? 0 : keyBits(key);
  const hash = keyHash(key, bits, blob);
  const top = tophash(hash);
  const gen = tablesGen(); // R2
  const root = currentRoot();
  // Table first, then old table, as R2 orders them: seeing no old table after the table proves
  // no growth had started when the table was read (G2 stores oldTable before G3 stores table).
  const table = load32(root + ROOT_TABLE);
  if (load32(root + ROOT_OLD_TABLE) != 0) return answer(FALLBACK); // R3 needs the old table: map.ts
  const mask = tableMask(table);
  if (tablesGen() != gen) return answer(FALLBACK);
  const head = tableBucketOf(table, <u32>hash & mask, blob);
  // Past this thread's view of the memory (view.ts): map.ts, which brings the view up to date.
  // A compare, not a call: with memory.grow reachable from this function, reads of 1K entries
  // took about 5% longer.
  if (<u64>head + bucketBytesOf(blob) > memoryBytes()) return answer(FALLBACK);
  const v1 = version(head);
  if (v1 & (VERSION_WRITING | VERSION_EVACUATED)) return answer(FALLBACK);
  let bucket = head;
  while (true) {
    const tops = tophashes(bucket);
    let match = matchTophash(tops, top);
    while (match != 0) {
      const slot = firstSlot(match);
      const at = slotAddrOf(bucket, slot, blob);
      if (keyAt(at, key, bits, blob)) {
        readStall();
        const value = load64(at, SLOT_VALUE);
        if (version(head) != v1 || tablesGen() != gen) return answer(FALLBACK); // R6
        if (value == SENTINEL) outcome = HIT;
        return value;
      }
      match &= match - 1;
    }
    if (matchEmpty(tops) != 0) break; // a bucket with room ends its chain: no need for the link's line
    const next = linkOfKind(bucket, blob);
    if (next == 0) break;
    if (version(head) != v1 || tablesGen() != gen || <u64>next + bucketBytesOf(blob) > memoryBytes()) {
      return answer(FALLBACK); // R5, and a link past the view as above
    }
    bucket = next;
  }
  if (version(head) != v1 || tablesGen() != gen) return answer(FALLBACK); // R6
  return answer(MISS);
}

// FOUND, NOT_FOUND or another status for getValue's last NaN, in this thread's staging area
// (STAGE_STATUS) rather than behind an export, so the facade reads it with a typed-array load and
// a miss costs one call into the core, not two. Where V8 does not inline the calls (a thread that
// uses several maps), the second call had cost a `get` of a missing key on 1M entries 145-171 ns
// against 80-92 for `has`, which makes one call: the extra instructions kept the next lookup's
// cache miss from starting under this one's.
@inline function setStatus(result: i32): void {
  store<i32>(stagingArea() + STAGE_STATUS, result);
}
export function lastStatus(): i32 { return load<i32>(stagingArea() + STAGE_STATUS); }

/** getValue's answer after a status-returning read (map.ts get and the strategies' gets). */
export function settle(result: i32): f64 {
  setStatus(result);
  return result == FOUND && mapValueKind() != VALUE_BLOB ? load<f64>(stagingArea() + STAGE_RESULT) : NaN;
}

/**
 * The value of `key`, or NaN with lastStatus() saying why. Lock-free by itself (strategy
 * 'concurrent'); the other strategies call it inside their own read bracket, in the current root.
 */
export function getValue(key: f64): f64 {
  if (mapValueKind() == VALUE_BLOB) return settle(get(key));
  const word = mapKeyKind() == KEY_BLOB ? probe(key, true) : probe(key, false);
  if (word != SENTINEL || outcome == HIT) {
    const value = reinterpret<f64>(word);
    // A NaN: a stored one, or a tombstone that came after the tophash was read (R6a).
    if (value != value) setStatus(isTombstoneValue(word) ? NOT_FOUND : FOUND);
    return value;
  }
  if (outcome == MISS) {
    setStatus(NOT_FOUND);
    return NaN;
  }
  return settle(get(key));
}

/** FOUND or NOT_FOUND, as map.ts has answers; called as getValue is. */
export function has(key: f64): i32 {
  const word = mapKeyKind() == KEY_BLOB ? probe(key, true) : probe(key, false);
  if (word != SENTINEL || outcome == HIT) return isTombstoneValue(word) ? NOT_FOUND : FOUND; // R6a
  return outcome == MISS ? NOT_FOUND : hasGeneral(key);
}

// ── The lean read: 'concurrent' maps with number or int32 keys and inline values ───────────────
// probe above serves every strategy and key kind, so it reads which kind and root this map has,
// and its geometry, from module globals, and walks chains in loops: some 35 loads per lookup in
// V8's code for getValue, counting those globals, the instance's fields and the spills. A lookup
// in a map far larger than the caches waits for its bucket's lines, and the loop around it
// overlaps one lookup's misses with the next ones' only as far as the core's load queue reaches:
// every load ahead of a miss takes a place there. So the facade of a map of the default strategy
// with number or int32 keys and inline values calls these instead (src/map.ts, leanExports):
// R2–R6 for the common case of the head bucket, with its root, geometry and key kind constants.
// A hit at the first tophash match, or a miss in a head bucket with room, is answered here;
// anything else (another match, a chain, a growth, a WRITING or EVACUATED head, a NaN or
// tombstone value word, a table past this thread's view) goes to getValue or has, which answer in
// full. On 1M entries, both exports of one instance timed in turn, a lookup took 0.78-0.80x
// getValue's time (1.32-1.37x part 4's bare bucket lookup, against 1.66-1.74x), on 1K entries
// 0.84x; through the facade, a `get` in the harness's loop 0.86-0.92x on 1M entries and 0.85x on
// 1K, `balanced` on 1K 0.94x (bench/ab-facade.js).
//
// One difference from probe: `tablesGen` is not re-read between the mask and the bucket (R2).
// A mask read from a table retired and reused meanwhile is garbage; the bucket it picks is
// bounds-checked before any load (so nothing traps), and R6's re-read of `tablesGen` rejects
// whatever that bucket held, as it rejects any read of a retired table.

/** getValue for a 'concurrent' map with number keys and inline values. */
export function getValueNumber(key: f64): f64 { return lean(key, false, false); }
/** getValue for a 'concurrent' map with int32 keys and inline values. */
export function getValueInt32(key: f64): f64 { return lean(key, true, false); }
/** has for a 'concurrent' map with number keys and inline values. */
export function hasNumber(key: f64): i32 { return <i32>lean(key, false, true); }
/** has for a 'concurrent' map with int32 keys and inline values. */
export function hasInt32(key: f64): i32 { return <i32>lean(key, true, true); }

/**
 * R2–R6 on the map header's root, in the head bucket only, with everything in locals: getValue's
 * answer, or has's (FOUND or NOT_FOUND) if `forHas`. `int32` and `forHas` are constants at each
 * call, so each export compiles to one straight path.
 */
@inline function lean(key: f64, int32: bool, forHas: bool): f64 {
  const bits = int32 ? <u64><u32><i32>key : numberKeyBits(key);
  const hash = hashInline(bits, mapSeed());
  const gen = tablesGen(); // R2: table first, then old table (probe says why)
  const table = <usize>load32(MAP_HEADER + HDR_TABLE);
  if (load32(MAP_HEADER + HDR_OLD_TABLE) == 0) { // else R3: probe's, and map.ts's
    const head = tableBucketOf(table, <u32>hash & tableMask(table), false);
    if (<u64>head + bucketBytesOf(false) <= memoryBytes()) {
      const v1 = version(head); // R4
      const tops = tophashes(head); // R5, in the head bucket
      const match = matchTophash(tops, tophash(hash));
      if ((v1 & (VERSION_WRITING | VERSION_EVACUATED)) == 0) {
        if (match != 0) {
          const at = slotAddrOf(head, firstSlot(match), false);
          const key = load64(at, SLOT_KEY);
          if (key == bits) {
            readStall();
            // key ^ bits is 0 here: the xor only keeps Binaryen's avoid-reinterprets pass (asc -O2
            // and up) from making this atomic load a plain f64.load, as it does to any load whose
            // word is reinterpreted. R5's loads must stay atomic: on ARM a plain one may be
            // satisfied after R6's version load (test/core/build.test.ts).
            const value = reinterpret<f64>(load64(at, SLOT_VALUE) ^ (key ^ bits));
            // R6; a NaN word is a stored NaN or a tombstone (R6a): the full path tells them apart
            if (version(head) == v1 && tablesGen() == gen && value == value) return forHas ? <f64>FOUND : value;
          }
        } else if (matchEmpty(tops) != 0 && version(head) == v1 && tablesGen() == gen) {
          // a head bucket with room ends its chain: the key is missing (R6)
          if (forHas) return <f64>NOT_FOUND;
          setStatus(NOT_FOUND);
          return NaN;
        }
      }
    }
  }
  return forHas ? <f64>has(key) : getValue(key);
}

// ── Writers: the overwrite of a present key ────────────────────────────────────────────────────
/** The lock word lockPresent took (0 when the strategy locks no chains). */
let heldLock: usize = 0;

/** lockPresent's answer when the key is missing from the chain it holds (no slot is at 1). */
const MISSING: usize = 1;
/**
 * The chain lockPresent holds, its table and the key's hash, set when it answers MISSING, or a
 * slot when asked for the slot's place (remove); then also the slot's bucket and index. An
 * overwrite needs none of them, so it stores none.
 */
let heldHead: usize = 0;
let heldTable: usize = 0;
let heldHash: u64 = 0;
let heldBucket: usize = 0;
let heldSlot: u32 = 0;

/**
 * W1–W4 and the search, for the common case only: pinned, the key's chain in the current table
 * locked at the first try. Returns the key's slot address (with its place in heldHead,
 * heldTable, heldBucket and heldSlot if `place`, a constant); or MISSING, still pinned and
 * holding the chain (heldHead, heldTable), when the key is not in it; or 0 with nothing held
 * (unpinned, unlocked) for map.ts to do the whole operation.
 */
@inline function lockPresent(key: f64, blob: bool, place: bool): usize {
  if (blob && !shortStaged(key)) return 0;
  const bits = blob ? 0 : keyBits(key);
  const hash = keyHash(key, bits, blob);
  pin(); // W1, before the table is loaded: it cannot be freed under this write
  const root = currentRoot();
  const table = load32(root + ROOT_TABLE); // W2, table first (R2 says why)
  if (load32(root + ROOT_OLD_TABLE) == 0) { // no growth work due: the key's chain is here
    return lockIn(table, key, bits, hash, blob, place);
  }
  unpin();
  return 0;
}

/**
 * lockPresent from W3 on, pinned, in `table`, which had no old table when it was loaded after
 * the pin (lockPresent, or findLive for an insert). Answers as lockPresent.
 */
@inline function lockIn(table: usize, key: f64, bits: u64, hash: u64, blob: bool, place: bool): usize {
  const head = tableBucketOf(table, <u32>hash & tableMask(table), blob);
  reach(<u64>head + bucketBytesOf(blob)); // view.ts
  const word = locksChains() ? head + BKT_LOCK : 0;
  if (word == 0 || tryLock(word)) { // W3 at the first try; a wait is map.ts's business
    // W4: a growth that started after the loads above may have moved the chain already.
    if ((version(head) & VERSION_EVACUATED) == 0) {
      const slot = findLocked(head, tophash(hash), key, bits, blob, place);
      heldLock = word;
      if (slot == 0 || place) {
        heldHead = head;
        heldTable = table;
        heldHash = hash;
      }
      writeStall();
      return slot == 0 ? MISSING : slot;
    }
    if (word != 0) unlock(word);
  }
  unpin();
  return 0;
}

/**
 * table.ts chainFind in locals (keys as keyAt takes them): the key's slot address in the locked
 * chain (its bucket and index in heldBucket, heldSlot if `place`), or 0.
 */
@inline function findLocked(head: usize, top: u8, key: f64, bits: u64, blob: bool, place: bool): usize {
  let bucket = head;
  while (bucket != 0) {
    const tops = tophashes(bucket);
    let match = matchTophash(tops, top);
    while (match != 0) {
      const index = firstSlot(match);
      const slot = slotAddrOf(bucket, index, blob);
      if (keyAt(slot, key, bits, blob)) {
        if (place) {
          heldBucket = bucket;
          heldSlot = index;
        }
        return slot;
      }
      match &= match - 1;
    }
    if (matchEmpty(tops) != 0) return 0;
    bucket = overflowOfKind(bucket, blob);
  }
  return 0;
}

// ── Writers without a lock: overwrites, deletes and re-inserts by CAS (C1–C7) ────────────────
/** findLive's answer when it cannot say (a growth under way): map.ts does the whole operation. */
const UNSURE: usize = 1;
/** The table findLive searched: an insert locks its chain there (lockIn) without loading it again. */
let liveTable: usize = 0;

/**
 * C1–C2 for strategy 'concurrent' with inline values: pins, and finds the key's live slot in the
 * current table without the lock. Returns the slot address, still pinned (C3 follows); 0 when the
 * key is not there, still pinned (the insert takes the lock: insertPinned); UNSURE, unpinned, when
 * a growth is under way. No version is read: in these maps an entry never moves within a table
 * (a delete leaves a tombstone, C5), so the slot where the key's tophash and key word are seen is
 * the key's until it is buried or frozen, and then its value word says so (C3).
 */
@inline function findLive(key: f64, bits: u64, hash: u64, blob: bool): usize {
  pin(); // C1: before the table is loaded, and before any slot is read (C4 counts on it)
  const root = currentRoot();
  const table = load32(root + ROOT_TABLE);
  if (load32(root + ROOT_OLD_TABLE) != 0) {
    unpin();
    return UNSURE;
  }
  liveTable = table;
  const top = tophash(hash);
  let bucket = tableBucketOf(table, <u32>hash & tableMask(table), blob);
  reach(<u64>bucket + bucketBytesOf(blob)); // view.ts
  while (true) {
    const tops = tophashes(bucket);
    let match = matchTophash(tops, top);
    while (match != 0) {
      const at = slotAddrOf(bucket, firstSlot(match), blob);
      if (keyAt(at, key, bits, blob)) return at;
      match &= match - 1;
    }
    if (matchEmpty(tops) != 0) return 0;
    bucket = overflowOfKind(bucket, blob);
    if (bucket == 0) return 0;
    linkStall();
  }
}

/**
 * C3: CASes the value word at `at` from what it holds to `value` (set) or to itself + `delta`
 * (add: `value` unused); C7: over the key's soft tombstone, to `value` or to the delta, which
 * inserts the key. True when stored, and unpinned (C6). False, still pinned, when the word is
 * another reserved one: the key's tombstone was hardened (C7) or its chain evacuated (MOVED)
 * since C2.
 */
@inline function casLive(at: usize, value: u64, delta: f64, adding: bool): bool {
  writeStall();
  let seen = load64(at, SLOT_VALUE);
  while (!isReservedValue(seen)) {
    const next = adding ? reinterpret<u64>(sumOf(reinterpret<f64>(seen), delta)) : value;
    const found = cas64(at, seen, next, SLOT_VALUE);
    if (found == seen) {
      if (adding) store<f64>(stagingArea(), reinterpret<f64>(next), STAGE_RESULT);
      unpin(); // E4
      return true;
    }
    seen = found; // another write came first: the slot is still this key's (C4)
  }
  return isSoftTombstone(seen) && revive(at, seen, value, delta, adding);
}

/**
 * C7 for casLive: CASes the key's soft tombstone `seen` to `value` or to the delta, inserting the
 * key. True, unpinned, when stored. False, still pinned, when another write came first: the
 * locked path then decides (a rare race, not worth a loop). Out of line, so that casLive's loop
 * stays as compact as before C7: with this loop inside it, an add of a present key took 1.06x
 * the time (bench/ab-facade.js harness 1000 number add).
 */
function revive(at: usize, seen: u64, value: u64, delta: f64, adding: bool): bool {
  const born = adding ? reinterpret<u64>(absentPlus(delta)) : value;
  if (cas64(at, seen, born, SLOT_VALUE) != seen) return false;
  countEntries(1); // W9
  if (adding) store<f64>(stagingArea(), reinterpret<f64>(born), STAGE_RESULT);
  unpin(); // E4
  return true;
}

/**
 * set or add of an inline value without the chain lock (C1–C7), for 'concurrent' maps: OK when
 * the key was present and is overwritten, or its soft tombstone taken back; otherwise what the
 * locked path answers (W1–W10).
 */
@inline function overwriteByCas(key: f64, value: f64, delta: f64, adding: bool, blob: bool): i32 {
  if (blob && !shortStaged(key)) return adding ? addGeneral(key, delta) : setGeneral(key, value, 0);
  const bits = blob ? 0 : keyBits(key);
  const hash = keyHash(key, bits, blob);
  const at = findLive(key, bits, hash, blob);
  if (at == UNSURE) return adding ? addGeneral(key, delta) : setGeneral(key, value, 0);
  if (at == 0) return insertPinned(key, value, delta, adding, bits, hash, blob);
  if (casLive(at, adding ? 0 : inlineValueWord(value), delta, adding)) return OK;
  unpin();
  // Deleted or evacuated since C2: the locked path, which inserts (W1–W10).
  return adding ? addLocked(key, delta) : setLocked(key, value);
}

/**
 * The key was missing at C2: lock its chain in the table findLive searched, still pinned (W3,
 * W4), and insert (map.ts insertHeld, addHeld); or, if another thread inserted it meanwhile,
 * overwrite it under the lock, still by CAS (C3: overwrites without the lock may race this one).
 */
@inline function insertPinned(key: f64, value: f64, delta: f64, adding: bool, bits: u64, hash: u64, blob: bool): i32 {
  const slot = lockIn(liveTable, key, bits, hash, blob, false);
  if (slot == MISSING) {
    return adding ? addHeld(key, delta, heldHash, heldHead, heldTable) : insertHeld(key, value, heldHash, heldHead, heldTable);
  }
  if (slot == 0) return adding ? addGeneral(key, delta) : setGeneral(key, value, 0);
  if (adding) {
    store<f64>(stagingArea(), addAtSlot(slot, delta), STAGE_RESULT);
  } else {
    putAtSlot(slot, inlineValueWord(value)); // the key's value or its soft tombstone (C7)
  }
  release();
  return OK;
}

/** W8 and W10 after lockPresent. */
@inline function release(): void {
  if (heldLock != 0) unlock(heldLock);
  unpin();
}

/** lockPresent for this map's keys: the slot of a present key, MISSING or 0. */
@inline function lockPresentKey(key: f64, place: bool): usize {
  return mapKeyKind() == KEY_BLOB ? lockPresentBlob(key, place) : lockPresent(key, false, place);
}

// Out of line, so that the number-key writers stay as compact as they were before blob keys
// came here: with both forms inlined into `add`, a number-key add took 1.035-1.04x the time it
// took before (bench/ab-facade.js harness 1000 number add, against afe678b); out of line,
// 0.97-0.99x of that, while a string-key add pays 1.01x for the call.
@inline function lockPresentBlob(key: f64, place: bool): usize {
  return place ? lockPresentBlobPlace(key) : lockPresentBlobSlot(key);
}
function lockPresentBlobSlot(key: f64): usize { return lockPresent(key, true, false); }
function lockPresentBlobPlace(key: f64): usize { return lockPresent(key, true, true); }

/**
 * map.ts set, with the overwrite of a present key by an inline value done here (W6a), and the
 * insert of a missing one handed to map.ts with the chain still held (insertHeld).
 */
export function set(key: f64, value: f64, valueLen: i32): i32 {
  const status = setFast(key, value, valueLen);
  // map.ts moves the epoch on and tries again where tombstones will be room (C7)
  return status == OUT_OF_MEMORY ? setGeneral(key, value, valueLen) : status;
}
@inline function setFast(key: f64, value: f64, valueLen: i32): i32 {
  if (overwritesByCas()) {
    return mapKeyKind() == KEY_BLOB ? setByCasBlob(key, value) : overwriteByCas(key, value, 0, false, false);
  }
  return setLocked(key, value, valueLen);
}
function setByCasBlob(key: f64, value: f64): i32 { return overwriteByCas(key, value, 0, false, true); }

/** set with the chain lock (W1–W10), for maps whose overwrites take it, and inserts. */
@inline function setLocked(key: f64, value: f64, valueLen: i32 = 0): i32 {
  if (mapValueKind() != VALUE_BLOB) {
    const slot = lockPresentKey(key, false);
    if (slot == MISSING) return insertHeld(key, value, heldHash, heldHead, heldTable);
    if (slot != 0) {
      if (overwritesByCas()) putAtSlot(slot, inlineValueWord(value)); // after C3 failed: C7
      else store64(slot, inlineValueWord(value), SLOT_VALUE);
      release();
      return OK;
    }
  }
  return setGeneral(key, value, valueLen);
}

/**
 * map.ts add, with the bump of a present key done here (W6a), and the insert of a missing one
 * handed to map.ts with the chain still held (addHeld). Values are inline.
 */
export function add(key: f64, delta: f64): i32 {
  const status = addFast(key, delta);
  return status == OUT_OF_MEMORY ? addGeneral(key, delta) : status; // as set
}
@inline function addFast(key: f64, delta: f64): i32 {
  if (overwritesByCas()) {
    return mapKeyKind() == KEY_BLOB ? addByCasBlob(key, delta) : overwriteByCas(key, 0, delta, true, false);
  }
  return addLocked(key, delta);
}
function addByCasBlob(key: f64, delta: f64): i32 { return overwriteByCas(key, 0, delta, true, true); }

/** add with the chain lock (W1–W10), for maps whose overwrites take it, and inserts. */
@inline function addLocked(key: f64, delta: f64): i32 {
  const slot = lockPresentKey(key, false);
  if (slot == MISSING) return addHeld(key, delta, heldHash, heldHead, heldTable);
  if (slot == 0) return addGeneral(key, delta);
  let sum: f64;
  if (overwritesByCas()) { // after C3 failed: the key's value or its soft tombstone (C7)
    sum = addAtSlot(slot, delta);
  } else {
    sum = sumOf(reinterpret<f64>(load64(slot, SLOT_VALUE)), delta);
    store64(slot, reinterpret<u64>(sum), SLOT_VALUE);
  }
  release();
  store<f64>(stagingArea(), sum, STAGE_RESULT);
  return OK;
}

/**
 * map.ts remove. In 'concurrent' maps with inline values, without the lock (removeByCas, C7).
 * Elsewhere the common case is done on the chain lockPresent holds: a present key is
 * removed there (map.ts removeHeld), and a missing one is NOT_FOUND at once. The locked chain is
 * the only place the key could be: a growth that started since lockPresent loaded `oldTable`
 * has not evacuated it (W4), and a key reaches the new table only by that evacuation, or by
 * a write after it (W2).
 */
export function remove(key: f64): i32 {
  if (overwritesByCas()) return mapKeyKind() == KEY_BLOB ? removeByCasBlob(key) : removeByCas(key, false);
  const slot = lockPresentKey(key, true);
  if (slot == 0) return removeGeneral(key);
  if (slot == MISSING) {
    release();
    return NOT_FOUND;
  }
  return removeHeld(heldHead, heldTable, heldBucket, heldSlot);
}

function removeByCasBlob(key: f64): i32 { return removeByCas(key, true); }

/**
 * C7: remove without the lock, for 'concurrent' maps with inline values: find the key's slot as
 * an overwrite does (C1–C2), then CAS its live value to a soft tombstone. The slot stays the
 * key's (its tophash and key word stay), so no other key can be in it (C4). A missing key, or
 * one whose value word is a tombstone already, is NOT_FOUND: entries never move within a table,
 * so the key was absent at the moment its chain was searched or its tombstone loaded. MOVED (an
 * evacuation since C1) and long blob keys go to map.ts.
 */
@inline function removeByCas(key: f64, blob: bool): i32 {
  if (blob && !shortStaged(key)) return removeGeneral(key);
  const bits = blob ? 0 : keyBits(key);
  const hash = keyHash(key, bits, blob);
  const at = findLive(key, bits, hash, blob);
  if (at == UNSURE) return removeGeneral(key);
  if (at == 0) {
    // Absent when findLive loaded the table, with no growth under way: a chain evacuated or
    // retired since keeps every tophash and key word while this thread is pinned (C2).
    unpin(); // E4
    return NOT_FOUND;
  }
  writeStall();
  let seen = load64(at, SLOT_VALUE);
  while (!isReservedValue(seen)) {
    const found = cas64(at, seen, VALUE_TOMBSTONE | TOMBSTONE_SOFT | <u64>epochNow(), SLOT_VALUE);
    if (found == seen) {
      countEntries(-1); // W9
      // No tick (C7): a soft tombstone ages from its hardening, not from now. A collect every 16
      // deletes wrote the epoch's line, which every pin reads: two threads churning 1M zipfian
      // keys took 1.26x the time with it, on 1K uniform keys 1.23x.
      unpin(); // E4
      return OK;
    }
    seen = found; // an overwrite came first: the slot is still this key's (C4)
  }
  unpin();
  return isTombstoneValue(seen) ? NOT_FOUND : removeGeneral(key);
}
