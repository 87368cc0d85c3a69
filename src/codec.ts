// Key and value encodings: how the facade turns a JS key or value into the bytes the core stores,
// and back. Numbers and int32s are stored inline by the core and never pass through here; strings,
// byte arrays and structured values become blobs in a thread's staging area of the shared memory.
//
// A blob is described by a 32-bit length word (assembly/layout.ts, "Blob length words"):
//
//   bit 31     0 (unused)
//   bit 30     LEN_UTF16: the bytes are UTF-16 code units
//   bits 0-29  byte length (LEN_BYTES_MASK)
//
// Strings have one canonical encoding, because the core compares length words and bytes, never
// strings (assembly/keys.ts), and hashes both: equal strings must give equal bytes.
//   - every code unit < 0x100: one byte per unit ("latin1"), length word = length;
//   - otherwise: the code units themselves, two bytes each, length word = 2 * length | LEN_UTF16.
// Code units, not UTF-8, so any JS string round-trips, lone surrogates included. The units are
// written through a Uint16Array, so in the host's byte order: little-endian on every host we run
// on, and the same for all threads of one map, so the encoding stays canonical either way.
//
// Browsers reject views over a SharedArrayBuffer in TextEncoder.encodeInto and TextDecoder.decode
// (/work/shared/TOOLCHAIN.md), so this file never hands them a shared view. Short strings go
// through charCodeAt / String.fromCharCode loops; long ones through TextEncoder / TextDecoder on
// a private, non-shared scratch buffer, copied to or from the shared memory (tuning table below).
//
// Structured values are MessagePack (msgpackr), with the options explained at `packr`. Another
// thread decodes them with its own Packr, and compareAndSet compares encoded bytes, so a value's
// encoding depends only on the value: never on what this thread encoded before.
//
// Preconditions, for every encode* and decode*: `u8` and `u16` view the whole memory buffer,
// `byteOffset` is 8-aligned, and an encoder has room for its bound (`stringByteBound`, the byte
// array's length). The caller checks sizes against the core's limits (MAX_KEY_BYTES,
// MAX_VALUE_BYTES), which are far below LEN_BYTES_MASK.

import { Packr, RESET_BUFFER_MODE } from 'msgpackr';

/** Length-word flag: the blob holds UTF-16 code units (assembly/layout.ts LEN_UTF16). */
export const LEN_UTF16 = 1 << 30;
/** Length-word bits holding the byte length (assembly/layout.ts LEN_BYTES_MASK). */
export const LEN_BYTES_MASK = LEN_UTF16 - 1;

// ── Kinds ──────────────────────────────────────────────────────────────────────────────────────
// number and int32 are stored inline in the slot as numbers; the other kinds are blobs.

export const KEY_KINDS = Object.freeze(['number', 'int32', 'string', 'bytes'] as const);
export const VALUE_KINDS = Object.freeze([...KEY_KINDS, 'structured'] as const);
export type KeyKind = (typeof KEY_KINDS)[number];
export type ValueKind = (typeof VALUE_KINDS)[number];

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

// Completes "key must be ___" in src/errors.ts messages.
const KIND_DESCRIPTIONS: Readonly<Record<ValueKind, string>> = {
  number: 'a number',
  int32: `an int32 (an integer from ${INT32_MIN} to ${INT32_MAX})`,
  string: 'a string',
  bytes: 'a Uint8Array',
  structured: 'a structured-cloneable value',
};

export function isInlineKind(kind: KeyKind | ValueKind): boolean {
  return kind === 'number' || kind === 'int32';
}

export function kindDescription(kind: KeyKind | ValueKind): string {
  return KIND_DESCRIPTIONS[kind];
}

export function isValidKey(kind: KeyKind, key: unknown): boolean {
  switch (kind) {
    case 'number':
      return typeof key === 'number';
    case 'int32':
      // -0 passes and is stored as 0, which Map's SameValueZero treats as the same key.
      return typeof key === 'number' && (key | 0) === key;
    case 'string':
      return typeof key === 'string';
    case 'bytes':
      return key instanceof Uint8Array;
    default:
      return false;
  }
}

/**
 * For 'structured' this checks only the top level (a deep walk would cost as much as encoding):
 * undefined, functions and symbols are rejected here; a function or symbol nested inside makes
 * `encodeStructured` throw.
 */
export function isValidValue(kind: ValueKind, value: unknown): boolean {
  if (kind === 'structured') {
    const type = typeof value;
    return type !== 'undefined' && type !== 'function' && type !== 'symbol';
  }
  return isValidKey(kind, value);
}

// ── Tuning ─────────────────────────────────────────────────────────────────────────────────────
// Strings of at most SHORT_UNITS code units use plain loops; longer ones TextEncoder / TextDecoder
// over the scratch buffer. ns per call for ASCII text, Node 20.20 / V8 11.3 on this project's
// 2-core machine (single runs on a busy machine: trust the ratios, not the last digit):
//
//   units   encode: charCodeAt loop   encodeInto + copy   decode: fromCharCode   TextDecoder + copy
//      16              61                   236                     52                  278
//      64             166                   174                    171                  179
//     256             528                   245                   1109                  200
//    2^20           2.2 ms                0.10 ms                 3.9 ms               1.2 ms
//
// (fromCharCode: apply over the cached argument arrays below, chunked past CHUNK_UNITS.)
// Past SHORT_UNITS, non-ASCII latin1 decodes by widening to 16-bit units for the UTF-16 decoder
// (2^20 units: 2.2-4.0 ms, chunked fromCharCode 3.9-6.1 ms) and UTF-16 text through the fatal
// UTF-16 decoder (1.5 ms against 6.7 ms). Encoding non-ASCII text has no faster portable path
// than the loop (~2 ns per unit).
const SHORT_UNITS = 64;
// fromCharCode.apply takes its arguments on the stack; chunks of 1024-4096 were fastest (median
// per 2^20 units: 512: 6.3 ms, 1024-4096: 4.9 ms, 8192: 8.4 ms) and far from overflowing it.
const CHUNK_UNITS = 4096;
// The scratch buffer grows to the largest blob seen up to this size; a larger blob gets a
// temporary one, so one huge value doesn't pin its size in every thread for good.
const SCRATCH_KEEP_BYTES = 1 << 20;
const SCRATCH_INITIAL_BYTES = 4096;

// Argument arrays for String.fromCharCode.apply, one per length, filled in place: apply over a
// packed array of small integers was 2-4x faster than over a typed subarray for short strings,
// and reusing the arrays keeps decoding allocation-free apart from the string itself.
const SHORT_ARGS: number[][] = Array.from({ length: SHORT_UNITS + 1 }, (_, n) =>
  Array.from({ length: n }, () => 0),
);
const CHUNK_ARGS: number[] = Array.from({ length: CHUNK_UNITS }, () => 0);

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const asciiEncoder = typeof TextEncoder === 'function' ? new TextEncoder() : undefined;
const asciiDecoder = typeof TextDecoder === 'function' ? new TextDecoder('utf-8') : undefined;
// fatal: a lone surrogate throws (instead of becoming U+FFFD), and decodeChunked takes over.
// ignoreBOM: a leading U+FEFF is part of the string, not a byte-order mark to drop.
// Only on little-endian hosts, where the Uint16Array-written units are UTF-16LE.
const utf16Decoder =
  HOST_LITTLE_ENDIAN && typeof TextDecoder === 'function'
    ? new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true })
    : undefined;

let scratch = new Uint8Array(SCRATCH_INITIAL_BYTES);

/**
 * A non-shared buffer of at least `byteLength` bytes, owned by this module until the caller
 * returns. Nothing decoded from it may keep a view of it (msgpackr's copyBuffers, below).
 */
function scratchBytes(byteLength: number): Uint8Array {
  if (byteLength <= scratch.length) return scratch;
  if (byteLength > SCRATCH_KEEP_BYTES) return new Uint8Array(byteLength);
  let size = scratch.length;
  while (size < byteLength) size *= 2;
  scratch = new Uint8Array(size);
  return scratch;
}

// ── Strings ────────────────────────────────────────────────────────────────────────────────────

/** Upper bound of the bytes `encodeString` writes: two per code unit. */
export function stringByteBound(s: string): number {
  return 2 * s.length;
}

/**
 * Writes the canonical encoding of `s` at `byteOffset` and returns its length word.
 * Preconditions: room for `stringByteBound(s)` bytes; `byteOffset` is even.
 */
export function encodeString(s: string, u8: Uint8Array, u16: Uint16Array, byteOffset: number): number {
  const length = s.length;
  // A first unit beyond ASCII predicts a wasted encodeInto (+30% on UTF-16 text), so skip it.
  if (length > SHORT_UNITS && asciiEncoder !== undefined && s.charCodeAt(0) < 0x80) {
    // Limiting the scratch to `length` bytes makes encodeInto consume the whole string exactly
    // when every unit is ASCII (any other unit needs 2-3 bytes), and then the bytes are latin1.
    const bytes = scratchBytes(length).subarray(0, length);
    if (asciiEncoder.encodeInto(s, bytes).read === length) {
      u8.set(bytes, byteOffset);
      return length;
    }
  }
  for (let i = 0; i < length; i++) {
    const unit = s.charCodeAt(i);
    if (unit > 0xff) return encodeUtf16(s, u16, byteOffset);
    u8[byteOffset + i] = unit;
  }
  return length;
}

// Rewrites from unit 0: the latin1 bytes already written sit where the 16-bit units go.
function encodeUtf16(s: string, u16: Uint16Array, byteOffset: number): number {
  const length = s.length;
  const base = byteOffset >>> 1;
  for (let i = 0; i < length; i++) u16[base + i] = s.charCodeAt(i);
  return (2 * length) | LEN_UTF16;
}

/** The string whose canonical encoding is at `byteOffset`, described by `lenWord`. */
export function decodeString(u8: Uint8Array, u16: Uint16Array, byteOffset: number, lenWord: number): string {
  const byteLength = lenWord & LEN_BYTES_MASK;
  if ((lenWord & LEN_UTF16) === 0) return decodeLatin1(u8, byteOffset, byteLength);
  return decodeUtf16(u8, u16, byteOffset, byteLength >>> 1);
}

function decodeLatin1(u8: Uint8Array, byteOffset: number, length: number): string {
  if (length <= SHORT_UNITS) return decodeShort(u8, byteOffset, length);
  if (asciiDecoder === undefined || utf16Decoder === undefined) return decodeChunked(u8, byteOffset, length);
  const bytes = scratchBytes(2 * length);
  bytes.set(u8.subarray(byteOffset, byteOffset + length));
  if (isAscii(bytes, length)) return asciiDecoder.decode(bytes.subarray(0, length));
  // Bytes 0x80-0xff are not UTF-8 and TextDecoder's 'latin1' is windows-1252, so widen the bytes
  // to code units (never surrogates, so the fatal decoder cannot throw here).
  const units = new Uint16Array(bytes.buffer, 0, length);
  for (let i = 0; i < length; i++) units[i] = u8[byteOffset + i];
  return utf16Decoder.decode(units);
}

function decodeUtf16(u8: Uint8Array, u16: Uint16Array, byteOffset: number, length: number): string {
  const base = byteOffset >>> 1;
  if (length <= SHORT_UNITS) return decodeShort(u16, base, length);
  if (utf16Decoder !== undefined) {
    const byteLength = 2 * length;
    const bytes = scratchBytes(byteLength);
    bytes.set(u8.subarray(byteOffset, byteOffset + byteLength));
    try {
      return utf16Decoder.decode(bytes.subarray(0, byteLength));
    } catch {
      // A lone surrogate: the fatal decoder refuses it, the chunked path keeps it.
    }
  }
  return decodeChunked(u16, base, length);
}

/** Preconditions: `bytes` starts 4-aligned in its buffer (the scratch starts at 0). */
function isAscii(bytes: Uint8Array, length: number): boolean {
  const wordCount = length >>> 2;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, wordCount);
  let seen = 0;
  for (let i = 0; i < wordCount; i++) seen |= words[i];
  for (let i = wordCount << 2; i < length; i++) seen |= bytes[i];
  return (seen & 0x80808080) === 0;
}

function decodeShort(units: Uint8Array | Uint16Array, start: number, length: number): string {
  const args = SHORT_ARGS[length];
  for (let i = 0; i < length; i++) args[i] = units[start + i];
  return String.fromCharCode.apply(null, args);
}

function decodeChunked(units: Uint8Array | Uint16Array, start: number, length: number): string {
  let s = '';
  let i = 0;
  for (; i + CHUNK_UNITS <= length; i += CHUNK_UNITS) {
    for (let j = 0; j < CHUNK_UNITS; j++) CHUNK_ARGS[j] = units[start + i + j];
    s += String.fromCharCode.apply(null, CHUNK_ARGS);
  }
  const rest = length - i;
  if (rest <= SHORT_UNITS) return s + decodeShort(units, start + i, rest);
  return s + String.fromCharCode.apply(null, units.subarray(start + i, start + length) as unknown as number[]);
}

// ── Bytes ──────────────────────────────────────────────────────────────────────────────────────

/** Copies `b` to `byteOffset` and returns its length word (the length; no flags). */
export function encodeBytes(b: Uint8Array, u8: Uint8Array, byteOffset: number): number {
  u8.set(b, byteOffset);
  return b.length;
}

/** A fresh copy, backed by a non-shared ArrayBuffer, of the bytes at `byteOffset`. */
export function decodeBytes(u8: Uint8Array, byteOffset: number, lenWord: number): Uint8Array {
  const byteLength = lenWord & LEN_BYTES_MASK;
  // Not u8.slice: on a Node Buffer that returns a view of the shared memory, not a copy.
  const copy = new Uint8Array(byteLength);
  copy.set(u8.subarray(byteOffset, byteOffset + byteLength));
  return copy;
}

// ── Structured values ──────────────────────────────────────────────────────────────────────────

function rejectFunction(): never {
  throw new TypeError('a structured value cannot contain a function');
}

// One Packr per thread (each thread loads this module), used for both directions.
// - structuredClone: cycles and shared references survive, and Set, Error, RegExp, typed arrays,
//   ArrayBuffer, DataView and bigints of any size get extensions (it implies moreTypes).
// - useRecords is left on (the default): with it, plain objects are records and Maps are maps,
//   so both come back as what they were; with useRecords: false both are MessagePack maps and
//   one of the two decodes as the other. Records keep no state between packs here: without
//   `structures`, `saveStructures` or `sequential`, every pack writes the record definitions it
//   uses inline and numbers them from scratch, so the bytes depend only on the value and any
//   fresh Packr decodes them (test/codec.test.ts checks this, across a worker too).
// - copyBuffers: binary data decodes as a copy, not a view into the scratch buffer we reuse.
// - useToJSON: false: store the value itself, like structuredClone, not what toJSON returns.
// - writeFunction: msgpackr would quietly store a nested function as undefined.
const packr = new Packr({
  structuredClone: true,
  copyBuffers: true,
  useToJSON: false,
  writeFunction: rejectFunction,
});

/**
 * The MessagePack encoding of `value`, in a non-shared buffer that the next call reuses: copy it
 * into staging at once. Throws on a nested function or symbol.
 */
export function encodeStructured(value: unknown): Uint8Array {
  return packr.pack(value, RESET_BUFFER_MODE);
}

/** The value encoded at `byteOffset`, decoded from a non-shared copy. */
export function decodeStructured(u8: Uint8Array, byteOffset: number, lenWord: number): unknown {
  const byteLength = lenWord & LEN_BYTES_MASK;
  // msgpackr decodes strings with TextDecoder in browsers, which refuses shared views.
  const bytes = scratchBytes(byteLength);
  bytes.set(u8.subarray(byteOffset, byteOffset + byteLength));
  return packr.unpack(bytes, byteLength);
}
