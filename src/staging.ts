// The calling thread's staging area in the map's memory, and the per-kind codecs that move keys
// and values through it (assembly/layout.ts, "Staging area", draws it).
//
// Keys cross the boundary as one f64 argument: number and int32 keys as themselves, blob keys
// (string, bytes) as their length word, with the bytes at STAGE_DATA. A blob value follows the
// key, 8-aligned; an expected value (compareAndSet) follows the new value. Results come back at
// STAGE_RESULT (inline) or STAGE_DATA (blob, with its length word at STAGE_RESULT_LEN).
//
// Views: other threads may grow the memory at any time, but this thread's staging area only moves
// when this thread calls reserve(), so the views need refreshing only there.

import type { CoreExports } from './core.js';
import type { Layout } from './layout.js';
import {
  type KeyKind, type ValueKind, encodeString, decodeString, stringByteBound, encodeBytes,
  decodeBytes, encodeStructured, decodeStructured, isValidKey, isValidValue, kindDescription,
  LEN_BYTES_MASK,
} from './codec.js';
import { ConcurrentMapError, messages } from './errors.js';

export class Staging {
  base = 0;
  /** Index of STAGE_RESULT in the f64 view. */
  resultIndex = 0;
  /** Index of STAGE_STATUS in the u32 view: why the last getValue returned NaN. */
  statusIndex = 0;
  capacity: number;
  u8!: Uint8Array;
  u16!: Uint16Array;
  u32!: Uint32Array;
  f64!: Float64Array;
  /** Staging offset where a value goes: just past the key staged last. */
  valueOffset: number;

  constructor(
    private readonly exports: CoreExports,
    private readonly memory: WebAssembly.Memory,
    readonly layout: Layout,
    private readonly maxMemory: number,
    initialCapacity: number,
  ) {
    this.capacity = initialCapacity;
    this.valueOffset = layout.STAGE_DATA;
    this.refresh();
  }

  refresh(): void {
    this.base = this.exports.staging();
    this.resultIndex = (this.base + this.layout.STAGE_RESULT) / 8;
    this.statusIndex = (this.base + this.layout.STAGE_STATUS) / 4;
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.f64 = new Float64Array(buffer);
  }

  /** Makes the area at least `bytes` long; out of memory is an error that changed nothing. */
  reserve(bytes: number): void {
    if (bytes <= this.capacity) return;
    if (this.exports.reserveStaging(bytes) === 0) {
      throw new ConcurrentMapError('OUT_OF_MEMORY', messages.outOfMemory(this.maxMemory));
    }
    let capacity = this.capacity;
    while (capacity < bytes) capacity *= 2;
    this.capacity = capacity;
    this.refresh();
  }

  /** The inline result (a number) of the last call. */
  resultNumber(): number {
    return this.f64[this.resultIndex];
  }

  resultLenWord(): number {
    return this.u32[(this.base + this.layout.STAGE_RESULT_LEN) / 4];
  }

  /** Where the core put a blob result's bytes. */
  resultAddress(): number {
    return this.base + this.u32[(this.base + this.layout.STAGE_RESULT_AT) / 4];
  }

  /** What the core asked for with NEEDS_SPACE. */
  neededBytes(): number {
    return this.u32[(this.base + this.layout.STAGE_NEED_BYTES) / 4];
  }
}

export const align8 = (bytes: number): number => (bytes + 7) & ~7;

/**
 * The encoded size of an oversize key or value, for its error message (src/codec.ts: strings
 * take one byte per unit when every unit is below 0x100, else two). Only error paths call this.
 */
function exactBytes(value: unknown): number {
  if (typeof value === 'string') {
    for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 0xff) return 2 * value.length;
    return value.length;
  }
  return value instanceof Uint8Array ? value.length : stringByteBound(String(value));
}

// ── Keys ───────────────────────────────────────────────────────────────────────────────────────
export interface KeyCodec<K> {
  readonly kind: KeyKind;
  /** Validates `key`, writes it to staging if it is a blob, and returns the export argument. */
  stage(staging: Staging, key: K): number;
  /** The key of an iterated entry at byte address `at` (inline: an f64 there). */
  decode(staging: Staging, at: number, lenWord: number): K;
  /** Bytes the key occupies in an iterated entry. */
  entryBytes(lenWord: number): number;
}

// The hot path of number-keyed maps: one typeof (or int32) test, nothing written. valueOffset is
// STAGE_DATA for these maps from the start and never changes.
function inlineKeys(kind: 'number' | 'int32'): KeyCodec<number> {
  const fail = (key: unknown): never => { throw new TypeError(messages.keyKind(kindDescription(kind), key)); };
  return {
    kind,
    stage: kind === 'number'
      ? (_staging, key) => (typeof key === 'number' ? key : fail(key))
      : (_staging, key) => (typeof key === 'number' && (key | 0) === key ? key : fail(key)),
    decode: (staging, at) => staging.f64[at / 8],
    entryBytes: () => 8,
  };
}

function blobKeys<K>(kind: 'string' | 'bytes', bound: (key: K) => number,
  encode: (staging: Staging, key: K, at: number) => number,
  decode: (staging: Staging, at: number, lenWord: number) => K): KeyCodec<K> {
  return {
    kind,
    stage(staging, key) {
      if (!isValidKey(kind, key)) throw new TypeError(messages.keyKind(kindDescription(kind), key));
      const { layout } = staging;
      const maxBytes = bound(key);
      // Far too large even at one byte per unit: refuse before reserving staging for it.
      if (maxBytes > 2 * layout.MAX_KEY_BYTES) throw new RangeError(messages.keyTooLarge(exactBytes(key), layout.MAX_KEY_BYTES));
      staging.reserve(layout.STAGE_DATA + align8(maxBytes));
      const lenWord = encode(staging, key, staging.base + layout.STAGE_DATA);
      const bytes = lenWord & layout.LEN_BYTES_MASK;
      if (bytes > layout.MAX_KEY_BYTES) throw new RangeError(messages.keyTooLarge(bytes, layout.MAX_KEY_BYTES));
      staging.valueOffset = layout.STAGE_DATA + align8(bytes);
      return lenWord;
    },
    decode,
    entryBytes: (lenWord) => align8(lenWord & LEN_BYTES_MASK),
  };
}

export function keyCodec(kind: KeyKind): KeyCodec<unknown> {
  switch (kind) {
    case 'number':
    case 'int32':
      return inlineKeys(kind) as KeyCodec<unknown>;
    case 'string':
      return blobKeys<string>('string', stringByteBound,
        (s, key, at) => encodeString(key, s.u8, s.u16, at),
        (s, at, lenWord) => decodeString(s.u8, s.u16, at, lenWord)) as KeyCodec<unknown>;
    case 'bytes':
      return blobKeys<Uint8Array>('bytes', (key) => key.length,
        (s, key, at) => encodeBytes(key, s.u8, at),
        (s, at, lenWord) => decodeBytes(s.u8, at, lenWord)) as KeyCodec<unknown>;
  }
}

// ── Values ─────────────────────────────────────────────────────────────────────────────────────
export interface ValueCodec<V> {
  readonly kind: ValueKind;
  readonly inline: boolean;
  /** Validates `value`. Inline: returns it (the f64 argument). Blob: writes it at staging offset `offset`, returns its length word. */
  stage(staging: Staging, value: V, offset: number): number;
  /** The value the last call put in the staging result. */
  result(staging: Staging): V;
  decode(staging: Staging, at: number, lenWord: number): V;
  entryBytes(lenWord: number): number;
}

function inlineValues(kind: 'number' | 'int32'): ValueCodec<number> {
  const fail = (value: unknown): never => { throw new TypeError(messages.valueKind(kindDescription(kind), value)); };
  return {
    kind,
    inline: true,
    stage: kind === 'number'
      ? (_staging, value) => (typeof value === 'number' ? value : fail(value))
      : (_staging, value) => (typeof value === 'number' && (value | 0) === value ? value : fail(value)),
    result: (staging) => staging.resultNumber(),
    decode: (staging, at) => staging.f64[at / 8],
    entryBytes: () => 8,
  };
}

function blobValues<V>(kind: 'string' | 'bytes' | 'structured', encoded: (value: V) => { bound: number; write: (s: Staging, at: number) => number },
  decode: (staging: Staging, at: number, lenWord: number) => V): ValueCodec<V> {
  return {
    kind,
    inline: false,
    stage(staging, value, offset) {
      if (!isValidValue(kind, value)) throw new TypeError(messages.valueKind(kindDescription(kind), value));
      const { layout } = staging;
      const { bound, write } = encoded(value);
      if (bound > 2 * layout.MAX_VALUE_BYTES) throw new RangeError(messages.valueTooLarge(exactBytes(value), layout.MAX_VALUE_BYTES));
      staging.reserve(offset + align8(bound));
      const lenWord = write(staging, staging.base + offset);
      const bytes = lenWord & layout.LEN_BYTES_MASK;
      if (bytes > layout.MAX_VALUE_BYTES) throw new RangeError(messages.valueTooLarge(bytes, layout.MAX_VALUE_BYTES));
      return lenWord;
    },
    result: (staging) => decode(staging, staging.resultAddress(), staging.resultLenWord()),
    decode,
    entryBytes: (lenWord) => align8(lenWord & LEN_BYTES_MASK),
  };
}

export function valueCodec(kind: ValueKind): ValueCodec<unknown> {
  switch (kind) {
    case 'number':
    case 'int32':
      return inlineValues(kind) as ValueCodec<unknown>;
    case 'string':
      return blobValues<string>('string', (value) => ({
        bound: stringByteBound(value),
        write: (s, at) => encodeString(value, s.u8, s.u16, at),
      }), (s, at, lenWord) => decodeString(s.u8, s.u16, at, lenWord)) as ValueCodec<unknown>;
    case 'bytes':
      return blobValues<Uint8Array>('bytes', (value) => ({
        bound: value.length,
        write: (s, at) => encodeBytes(value, s.u8, at),
      }), (s, at, lenWord) => decodeBytes(s.u8, at, lenWord)) as ValueCodec<unknown>;
    case 'structured':
      return blobValues<unknown>('structured', (value) => {
        const bytes = encodeStructured(value);
        return { bound: bytes.length, write: (s, at) => encodeBytes(bytes, s.u8, at) };
      }, (s, at, lenWord) => decodeStructured(s.u8, at, lenWord)) as ValueCodec<unknown>;
  }
}
