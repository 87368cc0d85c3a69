// What a key or value word means for each kind: comparison, hashing and ownership of blobs.
//
// A probe is the caller's key as the table sees it: the same 64-bit word a stored key would have,
// except that a blob probe points into the caller's staging area instead of a blob of the map.
// So one comparison serves lookups (probe against stored) and evacuation (stored against stored).

import { KEY_BLOB, VALUE_NUMBER, VALUE_BLOB, blobPtr, blobBytes, blobLenWord, align8, keyInSlot } from "./layout";
import { hashInline, hashBytes } from "./hash";
import { reachable } from "./view";
import { retire } from "./epoch";

/** True when `bytes` bytes at `ptr` lie inside the memory (memory never shrinks). */
@inline export function inBounds(ptr: usize, bytes: u32): bool {
  return reachable(<u64>ptr + bytes);
}

/** Precondition: both blocks are 8-aligned and at least align8(length) long (see hashBytes). */
export function bytesEqual(a: usize, b: usize, length: u32): bool {
  let i: usize = 0;
  const n = <usize>length;
  while (i + 8 <= n) {
    if (load<u64>(a + i) != load<u64>(b + i)) return false;
    i += 8;
  }
  if (i == n) return true;
  const mask = (<u64>1 << (<u64>(n - i) << 3)) - 1;
  return ((load<u64>(a + i) ^ load<u64>(b + i)) & mask) == 0;
}

/**
 * Whether a stored key word equals a probe. For blob keys the length words must match first,
 * and then the bytes. Safety: readers call this only with a key word read under a validated
 * version (R5); the blob may still be retired and reused while they compare, which is why a
 * reader validates again after a match (R6). The pointer is bounds-checked, as every optimistic
 * pointer is, so such a compare reads stale bytes but never traps.
 */
@inline export function keyEquals(stored: u64, probe: u64, keyKind: u32): bool {
  if (keyKind != KEY_BLOB) return stored == probe;
  if (blobLenWord(stored) != blobLenWord(probe)) return false;
  const length = blobBytes(probe);
  return inBounds(blobPtr(stored), align8(length)) && bytesEqual(blobPtr(stored), blobPtr(probe), length);
}

/** The hash of a key word (stored or probe). */
@inline export function keyHash(word: u64, keyKind: u32, seed: u64): u64 {
  if (keyKind != KEY_BLOB) return hashInline(word, seed);
  return hashBytes(blobPtr(word), blobBytes(word), blobLenWord(word), seed);
}

/**
 * Retires what a stored key owns, once it is unlinked (W9): a long blob key's blob. Number and
 * int32 keys own nothing, and a short blob key's bytes belong to its slot (layout.ts keyInSlot).
 */
export function retireKey(word: u64, keyKind: u32): void {
  if (keyKind == KEY_BLOB && !keyInSlot(word)) retire(blobPtr(word), blobBytes(word));
}

/**
 * compareAndSet's notion of equal values: SameValueZero for numbers (NaN equals NaN, -0 equals
 * +0, as Map keys), the bits for int32, the encoded bytes for blobs.
 */
export function valueEquals(stored: u64, expected: u64, valueKind: u32): bool {
  if (valueKind == VALUE_NUMBER) {
    const a = reinterpret<f64>(stored);
    const b = reinterpret<f64>(expected);
    return a == b || (a != a && b != b);
  }
  if (valueKind != VALUE_BLOB) return stored == expected;
  if (blobLenWord(stored) != blobLenWord(expected)) return false;
  return bytesEqual(blobPtr(stored), blobPtr(expected), blobBytes(expected));
}
