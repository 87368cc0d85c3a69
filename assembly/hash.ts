// The keyed hash and the derivation of bucket index and tophash (pure functions).
//
// Every map draws a random 64-bit seed at creation (Go's hash0), so no fixed set of keys can be
// chosen to collide in one bucket. Wasm has no 64×64→128 multiply, which the wyhash family needs,
// so both hashes are multiply-xorshift mixers in 64 bits:
//   inline keys (number, int32): the seed xored in, then MurmurHash3's fmix64 finaliser, a
//     bijection with full avalanche (every input bit flips each output bit with p ≈ 1/2);
//   blob keys: 8 bytes a step, each multiplied in and rotated, the length word mixed first, then
//     fmix64, so tophash and bucket bits both depend on every byte.
// The low B bits pick the bucket, the top 8 bits the tophash: different bits, so the keys of one
// bucket still spread over tophash values.

import { MIN_TOPHASH } from "./layout";

const MIX_1: u64 = 0xff51afd7ed558ccd;
const MIX_2: u64 = 0xc4ceb9fe1a85ec53;
const STEP_MUL: u64 = 0x9e3779b97f4a7c15;

@inline export function fmix64(x: u64): u64 {
  x ^= x >> 33;
  x *= MIX_1;
  x ^= x >> 33;
  x *= MIX_2;
  x ^= x >> 33;
  return x;
}

/** The hash of an inline key (its 64 bits). */
@inline export function hashInline(bits: u64, seed: u64): u64 {
  return fmix64(bits ^ seed);
}

/**
 * The hash of a blob key: `byteLength` bytes at `ptr`, with its length word.
 * Precondition: the block at `ptr` is 8-aligned and at least align8(byteLength) long.
 */
export function hashBytes(ptr: usize, byteLength: u32, lenWord: u32, seed: u64): u64 {
  let h = hashStart(lenWord, seed);
  let p = ptr;
  const end = ptr + byteLength;
  while (p + 8 <= end) {
    h = hashStep(h, load<u64>(p));
    p += 8;
  }
  if (p < end) {
    // The last 1-7 bytes, read as one word: every blob and the staging area are 8-aligned and
    // at least align8(length) long, so the word stays inside its block; the mask drops the rest.
    h = hashStep(h, load<u64>(p) & tailMask(<u32>(end - p)));
  }
  return fmix64(h);
}

// hashBytes in three parts, for a caller that has a short key's words in locals already
// (fast64.ts): start, one step per 8 bytes (the last word masked to its bytes), then fmix64.
@inline export function hashStart(lenWord: u32, seed: u64): u64 {
  return seed ^ (<u64>lenWord * STEP_MUL);
}
@inline export function hashStep(h: u64, word: u64): u64 {
  return rotl<u64>((h ^ word) * STEP_MUL, 29);
}
/** The mask that keeps the first `bytes` (1-8) bytes of a little-endian word. */
@inline export function tailMask(bytes: u32): u64 {
  return bytes >= 8 ? 0xffffffffffffffff : (<u64>1 << (<u64>bytes << 3)) - 1;
}

/** Tophash of a hash: its top byte, moved off the EMPTY marker. */
@inline export function tophash(hash: u64): u8 {
  const top = <u8>(hash >> 56);
  return top < MIN_TOPHASH ? MIN_TOPHASH : top;
}

/** The canonical bits of a number key: SameValueZero, so every NaN is one key and -0 is +0. */
@inline export function numberKeyBits(key: f64): u64 {
  if (key != key) return 0x7ff8000000000000; // the canonical quiet NaN
  if (key == 0) return 0; // +0 and -0
  return reinterpret<u64>(key);
}
