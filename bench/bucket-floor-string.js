// The floor of a lookup of a fresh string key in sharemap's buckets, for part 4
// (bench/call-cost.js) and the bounds of bench/targets.js: bench/bucket-floor.js's lookup, for
// keys as the throughput bench makes them ('key:' + i, 5 to 10 bytes) in a table shaped as
// assembly/layout.ts shapes a string-key map's. The caller builds the string and writes its bytes
// to a staging area (as the facade's codec writes a short key, src/codec.ts); one call into Wasm
// then
//
//   1. hashes the staged bytes: a start from the length, one step per 8-byte word masked to the
//      length, fmix64 (the shape of assembly/hash.ts hashBytes; 1-15 bytes),
//   2. loads its bucket's tophash word (buckets of 320 bytes: five lines; a table of 1M keys is
//      80 MiB, far larger than the caches),
//   3. finds the key's tophash byte in it (the SWAR match of assembly/bucket.ts),
//   4. compares the slot's key word (here the length) and its two words of key bytes, which a
//      short key keeps in its slot (layout.ts keyInSlot), and loads the value beside them.
//
// Nothing else: no version, tables generation, bounds check, overflow chain, status or facade.
// Slots are 32 bytes from byte 32 of the bucket: key word, value word, 16 bytes of key.
//
//   (func (export "lookup") (param $len i32) (result i32)   ;; the key's value, or -1
//     w0 = load64(STAGE) & mask(min(len, 8)); w1 = len > 8 ? load64(STAGE + 8) & mask(len - 8) : 0
//     h = len * STEP; h = rotl((h ^ w0) * STEP, 29); if len > 8: h = rotl((h ^ w1) * STEP, 29)
//     h = fmix64(h); b = BASE + (i32(h) & MASK) * 320
//     x = load64(b) ^ (((h >> 56) | 0x80) * LSB); b += (ctz((x - LSB) & ~x & MSB) << 2) & 0xe0
//     select(load32(b + 40), -1, load64(b + 32) == len & load64(b + 48) == w0 & load64(b + 56) == w1)
//   (func (export "bucket") (param $len i32) (result i32) ...)   ;; b, for filling the table
//   (func (export "top") (param $len i32) (result i32) ...)      ;; the tophash byte
//
// As in bucket-floor.js, keys that do not fit in their bucket, or whose tophash byte another key
// of the bucket has, are left out and looked up by nobody.

import { BASE, WASM_PAGE, bucketAt, claimSlot, firstMatch, fmixH, tableB, topOf } from './bucket-floor.js';
import {
  GET, I32_AND, I32_GE_U, I32_GT_U, I32_SUB, I32_WRAP_I64, I64_AND, I64_EQ, I64_EXTEND_I32_U, I64_MUL, I64_ROTL,
  I64_SHL, I64_SUB, I64_XOR, LOCAL_I32, LOCAL_I64, SELECT, SET, functionModule, i32, i64, load32, load64,
} from './wasm-code.js';

/** Where the caller stages a key's bytes (16 of them at most), in page 0, below the table. */
export const STAGE_AT = 128;
/** A string-key bucket's bytes, and its slots' place and size (assembly/layout.ts). */
const BUCKET_BYTES = 320;
const SLOTS_AT = 32;
const SLOT_BYTES = 32;
/** The longest key the two masked words hold. */
export const MAX_KEY_BYTES = 15;
const STEP = 0x9e3779b97f4a7c15n;

// Locals after the parameter $len (0): $h i64 (1), $x i64 (2), $b i32 (3), $w0 i64 (4), $w1 i64 (5).
const LOCALS = [0x03, 0x02, LOCAL_I64, 0x01, LOCAL_I32, 0x02, LOCAL_I64];
const H = 1, X = 2, B = 3, W0 = 4, W1 = 5;

const len64 = [GET, 0, I64_EXTEND_I32_U];
/** (1 << (n * 8)) - 1 for the i64 byte count `n` pushed by `count`: the first n bytes of a word. */
const maskOf = (count) => [...i64(1), ...count, ...i64(3), I64_SHL, I64_SHL, ...i64(1), I64_SUB];
const longer = [GET, 0, ...i32(8), I32_GT_U]; // len > 8
const step = (word) => [GET, H, GET, word, I64_XOR, ...i64(STEP), I64_MUL, ...i64(29), I64_ROTL];

/** Step 1, then b = its bucket: w0, w1 and h set as the header above says. */
const bucketOf = (mask) => [
  ...i32(0), ...load64(STAGE_AT), ...i64(-1), ...maskOf(len64), GET, 0, ...i32(8), I32_GE_U, SELECT, I64_AND, SET, W0,
  ...i32(0), ...load64(STAGE_AT + 8), ...maskOf([GET, 0, ...i32(8), I32_SUB, I64_EXTEND_I32_U]), I64_AND,
  ...i64(0), ...longer, SELECT, SET, W1,
  ...len64, ...i64(STEP), I64_MUL, SET, H,
  ...step(W0), SET, H,
  ...step(W1), GET, H, ...longer, SELECT, SET, H,
  ...fmixH,
  ...bucketAt(mask, BUCKET_BYTES),
];

const lookupBody = (mask) => [
  ...bucketOf(mask),
  ...firstMatch(SLOT_BYTES),
  GET, B, ...load32(SLOTS_AT + 8), ...i32(-1),
  GET, B, ...load64(SLOTS_AT), ...len64, I64_EQ,
  GET, B, ...load64(SLOTS_AT + 16), GET, W0, I64_EQ, I32_AND,
  GET, B, ...load64(SLOTS_AT + 24), GET, W1, I64_EQ, I32_AND,
  SELECT,
];
const bucketBody = (mask) => [...bucketOf(mask), GET, B];
const topBody = (mask) => [...bucketOf(mask), ...topOf(false), I32_WRAP_I64];

/**
 * A table of the keys 'key:0' .. 'key:' + (len - 1) (each one's value is i + 1), in
 * 2^tableB(len) buckets: the module's `exports` (`lookup(bytes)` is the floor, for the key staged
 * at STAGE_AT; `bucket(bytes)` and `top(bytes)` place keys), its `memory`, `b`, `stage(key)`,
 * which writes a key's bytes there and returns their count, and `placed`, the i whose key fits
 * in its bucket.
 */
export function stringBucketFloor(len) {
  const b = tableB(len);
  const pages = Math.ceil((BASE + 2 ** b * BUCKET_BYTES) / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const mask = 2 ** b - 1;
  const module = functionModule(pages, [
    { name: 'lookup', locals: LOCALS, body: lookupBody(mask) },
    { name: 'bucket', locals: LOCALS, body: bucketBody(mask) },
    { name: 'top', locals: LOCALS, body: topBody(mask) },
  ]);
  const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const bytes = new Uint8Array(memory.buffer);
  const words = new Uint32Array(memory.buffer);
  const stage = (key) => {
    if (key.length > MAX_KEY_BYTES) throw new RangeError(`stringBucketFloor: key ${key} is longer than ${MAX_KEY_BYTES} bytes`);
    for (let j = 0; j < key.length; j++) bytes[STAGE_AT + j] = key.charCodeAt(j);
    return key.length;
  };
  const placed = [];
  for (let i = 0; i < len; i++) {
    const key = 'key:' + i;
    const n = stage(key);
    const bucket = x.bucket(n);
    const slot = claimSlot(bytes, bucket, x.top(n));
    if (slot < 0) continue;
    const at = bucket + SLOTS_AT + slot * SLOT_BYTES;
    words[at / 4] = n; // the key word: here its length, then 0 above it
    words[at / 4 + 2] = i + 1; // the value word's low half
    for (let j = 0; j < n; j++) bytes[at + 16 + j] = key.charCodeAt(j);
    placed.push(i);
  }
  return { exports: x, memory, b, stage, placed: Uint32Array.from(placed) };
}
