// The floors of a lookup and of a write in sharemap's buckets, for part 4 (bench/call-cost.js) and
// the bounds of bench/targets.js: what a hit must do in a table shaped as assembly/layout.ts
// shapes a number-key map's, with nothing else. One call into Wasm that
//
//   1. hashes the key (fmix64, as assembly/hash.ts does),
//   2. loads its bucket's tophash word (the header's line: a table of 1M keys is 48 MiB, far
//      larger than the caches),
//   3. finds the key's tophash byte in it (the same SWAR match as assembly/bucket.ts),
//   4. loads the key and value of that slot, whose line the match names: a second miss when the
//      slot is past the header's line, which the load cannot start before the first one returns.
//
// `write` is the floor of a write to a present key in the same buckets: steps 1-3, then the one
// atomic read-modify-write that a map several threads write must make (an add of 1 to the value
// word of the key's slot, as part 2's floor makes one to the key's own word), after comparing
// the key that shares its line. The RMW is a `lock`ed instruction on x64, and still the next
// write's loads start under this one's misses: in a loop where each key depended on the write
// before it (so that no two writes overlap), the same writes took 1.5x the time (42 against 28
// ns a write on 1M keys, scratch loop over part 2's zipfian churn sequence).
//
// `pinnedWrite` is that write between an epoch pin and an unpin, as assembly/epoch.ts makes them
// around every write of sharemap's (E1, E4 in assembly/README.md): an SC store of the global
// epoch word | 1 to the thread's own word before, an SC store of 0 after. Epoch-based
// reclamation needs the pin ordered before the write's loads, and Wasm has no weaker ordered
// store than SC for the unpin (a plain store may become visible before the loads above it: see
// the cost model in assembly/README.md), so on x64 each is an `xchg`: three locked instructions a
// write, where the bare write makes one. No write of this design does less.
//
// No version, no tables generation, no bounds check, no overflow chain, no status, no facade:
// everything sharemap's `get` does beyond these four steps is absent. So where a target asks for
// more lookups a second than this floor makes, no lookup in these buckets reaches it here, and
// the part 2 floor (one access to the key's own word, bench/baselines/floor.js) says what a map
// of another shape could. The module is written out byte by byte, as bench/probe-module.js is,
// so that the measured code is exactly the above.
//
//   (func (export "lookup") (param $key i32) (result i32)   ;; the key's value, or -1
//     (local $h i64) (local $x i64) (local $b i32)
//     h = fmix64(u64(key)); b = BASE + (i32(h) & MASK) * 192      ;; its bucket
//     x = load64(b) ^ (((h >> 56) | 0x80) * LSB)                   ;; its tophash byte now 0
//     b += (ctz((x - LSB) & ~x & MSB) << 1) & 0x70                 ;; + 16 x the first match
//     select(load32(b + 24), -1, load64(b + 16) == u64(key)))      ;; the slot: key, value
//   (func (export "write") (param $key i32) (result i32)    ;; the value before, or -1
//     ... b as in lookup ...
//     if load64(b + 16) == u64(key) then i32.atomic.rmw.add(b + 24, 1) else -1
//   (func (export "pinnedWrite") (param $key i32) (result i32)  ;; the same, between
//     atomic.store(PIN_AT, atomic.load(EPOCH_AT) | 1) ... atomic.store(PIN_AT, 0)
//   (func (export "bucket") (param $key i32) (result i32) ...)   ;; b, for filling the table
//   (func (export "top") (param $key i32) (result i32) ...)      ;; the tophash byte, the same
//
// Tophash bytes are 0x80-0xff (0 marks an empty slot), and the first match is taken as the key's
// slot (a word with no match sends the lookup to slot 0, whose key then differs from a missing
// one's). So keys that do not fit in their bucket, or whose tophash byte another key of the bucket
// has (together about 2% of 1M keys over 2^18 buckets), are left out, and looked up by nobody.

import {
  ATOMIC, ELSE, END, GET, I32_ADD, I32_AND, I32_ATOMIC_LOAD, I32_ATOMIC_RMW_ADD, I32_ATOMIC_STORE, I32_MUL, I32_OR,
  I32_RESULT, I32_SHL, I32_WRAP_I64, I64_AND, I64_CTZ, I64_EQ, I64_EXTEND_I32_U, I64_MUL, I64_OR, I64_SHR_U, I64_SUB,
  I64_XOR, IF, SELECT, SET, functionModule, i32, i64, leb, load32, load64,
} from './wasm-code.js';

export const WASM_PAGE = 65536;
/** The table's first bucket: page 0 holds no bucket, as below sharemap's memory base. */
export const BASE = WASM_PAGE;
/**
 * In page 0, on lines of their own as in sharemap (the map header's line, the thread's slot): the
 * global epoch word, which nothing here moves, and the thread's pin word, which pinnedWrite
 * stores as assembly/epoch.ts pin and unpin store theirs.
 */
export const EPOCH_AT = 0;
export const PIN_AT = 64;
/** A number-key bucket's bytes, header and slot places (assembly/layout.ts). */
const BUCKET_BYTES = 192;
const SLOTS_AT = 16;
const SLOT_BYTES = 16;
const SLOTS = 8;
/** Entries a bucket holds on average before the table doubles (assembly/layout.ts, 13/2). */
const LOAD_FACTOR = 6.5;

export const LSB = 0x0101010101010101n;
export const MSB = 0x8080808080808080n;
// Locals after the parameter (0): $h i64 (1), $x i64 (2), $b i32 (3).
const LOCALS = [0x02, 0x02, 0x7e, 0x01, 0x7f];
const H = 1, X = 2, B = 3;

// Pieces shared with bench/bucket-floor-string.js, whose functions have the same first locals.
const xorShift = [GET, H, GET, H, ...i64(33), I64_SHR_U, I64_XOR, SET, H];
/** h = fmix64(h), as assembly/hash.ts fmix64. */
export const fmixH = [
  ...xorShift, GET, H, ...i64(0xff51afd7ed558ccdn), I64_MUL, SET, H,
  ...xorShift, GET, H, ...i64(0xc4ceb9fe1a85ec53n), I64_MUL, SET, H,
  ...xorShift,
];
/** b = BASE + (i32(h) & mask) * bucketBytes: the hash's bucket. */
export const bucketAt = (mask, bucketBytes) =>
  [GET, H, I32_WRAP_I64, ...i32(mask), I32_AND, ...i32(bucketBytes), I32_MUL, ...i32(BASE), I32_ADD, SET, B];
/** The key's tophash byte times LSB is pushed when `spread`, else the byte alone (as i64). */
export const topOf = (spread) => [GET, H, ...i64(56), I64_SHR_U, ...i64(0x80), I64_OR, ...(spread ? [...i64(LSB), I64_MUL] : [])];
/**
 * Step 3: b += slotBytes x the first slot whose tophash byte matches (slot 0 when none does). The
 * match's lowest set bit is bit 8k + 7 of byte k, so a shift and a mask make it k x slotBytes.
 */
export const firstMatch = (slotBytes) => [
  GET, B, ...load64(0), ...topOf(true), I64_XOR, SET, X,
  GET, X, ...i64(LSB), I64_SUB, GET, X, ...i64(-1), I64_XOR, I64_AND, ...i64(MSB), I64_AND,
  I64_CTZ, I32_WRAP_I64, ...i32(Math.log2(slotBytes / 8)), I32_SHL, ...i32(7 * slotBytes), I32_AND, GET, B, I32_ADD, SET, B,
];
/**
 * Claims a slot for a key with tophash byte `top` in the bucket at `bucket`: the first empty one,
 * its byte written; -1 when the bucket is full or another key there has that byte (such keys are
 * left out: the floors take the first match as the key's slot).
 */
export function claimSlot(bytes, bucket, top) {
  let slot = 0;
  while (slot < SLOTS && bytes[bucket + slot] !== 0 && bytes[bucket + slot] !== top) slot++;
  if (slot === SLOTS || bytes[bucket + slot] === top) return -1;
  bytes[bucket + slot] = top;
  return slot;
}

/** h = fmix64(u64(key)), then b its bucket. */
const bucketOf = (mask) => [GET, 0, I64_EXTEND_I32_U, SET, H, ...fmixH, ...bucketAt(mask, BUCKET_BYTES)];

/** Steps 1-3 for both exports: b becomes the address of the slot the first tophash match names, less 16. */
const slotOf = (mask) => [...bucketOf(mask), ...firstMatch(SLOT_BYTES)];
const lookupBody = (mask) => [
  ...slotOf(mask),
  GET, B, ...load32(SLOTS_AT + 8), ...i32(-1),
  GET, B, ...load64(SLOTS_AT), GET, 0, I64_EXTEND_I32_U, I64_EQ, SELECT,
];
/** The write; `pinned` puts an epoch pin before it and the unpin after (the if's result stays below). */
const writeBody = (mask, pinned) => [
  ...(pinned ? [...i32(PIN_AT), ...i32(EPOCH_AT), ATOMIC, I32_ATOMIC_LOAD, 0x02, 0x00, ...i32(1), I32_OR,
    ATOMIC, I32_ATOMIC_STORE, 0x02, 0x00] : []),
  ...slotOf(mask),
  GET, B, ...load64(SLOTS_AT), GET, 0, I64_EXTEND_I32_U, I64_EQ,
  IF, I32_RESULT, GET, B, ...i32(1), ATOMIC, I32_ATOMIC_RMW_ADD, 0x02, ...leb(SLOTS_AT + 8), ELSE, ...i32(-1), END,
  ...(pinned ? [...i32(PIN_AT), ...i32(0), ATOMIC, I32_ATOMIC_STORE, 0x02, 0x00] : []),
];
const bucketBody = (mask) => [...bucketOf(mask), GET, B];
const topBody = (mask) => [...bucketOf(mask), ...topOf(false), I32_WRAP_I64];

/** The module for a table of 2^b buckets over an imported shared memory of `pages` pages. */
function bucketModule(b, pages) {
  const mask = 2 ** b - 1;
  return functionModule(pages, [
    { name: 'lookup', locals: LOCALS, body: lookupBody(mask) },
    { name: 'bucket', locals: LOCALS, body: bucketBody(mask) },
    { name: 'top', locals: LOCALS, body: topBody(mask) },
    { name: 'write', locals: LOCALS, body: writeBody(mask, false) },
    { name: 'pinnedWrite', locals: LOCALS, body: writeBody(mask, true) },
  ]);
}

/** The B sharemap's table has after `len` inserts: the least with len <= 6.5 x 2^B. */
export function tableB(len) {
  let b = 0;
  while (len > LOAD_FACTOR * 2 ** b) b++;
  return b;
}

/**
 * A table of keys 0..len-1, then the keys of `later` in their order (each one's value is key + 1),
 * in 2^tableB(len) buckets: the module's `exports` (`lookup(key)`, `write(key)` and
 * `pinnedWrite(key)` are the floors; `bucket(key)`, the bucket's address), its `memory` and `b`,
 * and `placed`, the keys that fit in their bucket. `later` plays the keys a churn inserts into a
 * map of len entries: they take the slots after those of the first len keys, and keep them
 * (sharemap's soft tombstones).
 */
export function bucketFloor(len, later = []) {
  const b = tableB(len);
  const pages = Math.ceil((BASE + 2 ** b * BUCKET_BYTES) / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const x = new WebAssembly.Instance(bucketModule(b, pages), { env: { memory } }).exports;
  const bytes = new Uint8Array(memory.buffer);
  const words = new Uint32Array(memory.buffer);
  const placed = [];
  const place = (key) => {
    const bucket = x.bucket(key);
    const slot = claimSlot(bytes, bucket, x.top(key));
    if (slot < 0) return;
    const at = (bucket + SLOTS_AT + slot * SLOT_BYTES) / 4;
    words[at] = key; // the key word: key, then 0 above it
    words[at + 2] = key + 1; // the value word's low half
    placed.push(key);
  };
  for (let key = 0; key < len; key++) place(key);
  for (const key of later) place(key);
  return { exports: x, memory, placed: Uint32Array.from(placed), b };
}
