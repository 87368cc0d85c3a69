// src/codec.ts against memory like the map's: u8/u16 views over one SharedArrayBuffer. Strings
// must round-trip exactly (lone surrogates too) with one canonical encoding; bytes come back as
// non-shared copies; structured values round-trip and encode to the same bytes whichever thread
// or Packr encodes them. Every blob is written between canary bytes, so an encoder that writes
// past its bound or a decoder that depends on stale memory shows up.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import ts from 'typescript';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  KEY_KINDS,
  LEN_BYTES_MASK,
  LEN_UTF16,
  VALUE_KINDS,
  decodeBytes,
  decodeString,
  decodeStructured,
  encodeBytes,
  encodeString,
  encodeStructured,
  isInlineKind,
  isValidKey,
  isValidValue,
  kindDescription,
  stringByteBound,
} from '../src/codec.js';

const CANARY = 0xa5;
// Room for the largest test string (3 Mi units, 6 MiB as UTF-16) and the offsets around it.
const MEMORY_BYTES = 8 << 20;

const sab = new SharedArrayBuffer(MEMORY_BYTES);
const u8 = new Uint8Array(sab);
const u16 = new Uint16Array(sab);

/** Fills [byteOffset - 64, byteOffset + bound + 64) with the canary, so stale bytes are not zeros. */
function fillCanary(byteOffset: number, bound: number): void {
  u8.fill(CANARY, Math.max(0, byteOffset - 64), Math.min(MEMORY_BYTES, byteOffset + bound + 64));
}

function expectCanaryAround(byteOffset: number, byteLength: number, bound: number): void {
  const before = u8.subarray(Math.max(0, byteOffset - 64), byteOffset);
  const after = u8.subarray(byteOffset + byteLength, Math.min(MEMORY_BYTES, byteOffset + bound + 64));
  expect(before.every((b) => b === CANARY)).toBe(true);
  expect(after.every((b) => b === CANARY)).toBe(true);
}

function roundTripString(s: string, byteOffset = 64): { lenWord: number; decoded: string } {
  const bound = stringByteBound(s);
  fillCanary(byteOffset, bound);
  const lenWord = encodeString(s, u8, u16, byteOffset);
  expectCanaryAround(byteOffset, lenWord & LEN_BYTES_MASK, bound);
  return { lenWord, decoded: decodeString(u8, u16, byteOffset, lenWord) };
}

function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** The canonical encoding, computed the slow and obvious way. */
function expectedBytes(s: string): number[] {
  const units = Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
  return isLatin1(s) ? units : units.flatMap((unit) => [unit & 0xff, unit >> 8]);
}

function storeStructured(value: unknown, byteOffset = 64): number {
  const encoded = encodeStructured(value);
  fillCanary(byteOffset, encoded.length);
  u8.set(encoded, byteOffset);
  return encoded.length;
}

function roundTripStructured(value: unknown, byteOffset = 64): unknown {
  const lenWord = storeStructured(value, byteOffset);
  return decodeStructured(u8, byteOffset, lenWord);
}

/** Byte equality that stays fast for megabytes (toEqual walks element by element). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/** A copy of the encoding: encodeStructured's buffer is reused by the next call. */
function structuredBytes(value: unknown): Uint8Array {
  return Uint8Array.from(encodeStructured(value));
}

/** `unit` repeated to `length` code units, flattened (so charCodeAt sees a flat string). */
function repeatTo(unit: string, length: number): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

describe('strings', () => {
  const cases: Array<[name: string, s: string]> = [
    ['empty', ''],
    ['ASCII', 'hello, world'],
    ['latin1 é and ÿ', 'café ÿ \u0080\u009f\u00a0'],
    ['NUL units', '\0a\0'],
    ['BMP beyond latin1', 'Ā €uro 日本語 \uffff'],
    ['astral (emoji)', 'a😀b 𝄞'],
    ['lone high surrogate', 'a\ud800b'],
    ['lone low surrogate', 'a\udc00b'],
    ['lone surrogates at both ends', '\udfff middle \ud83d'],
    ['reversed surrogate pair', '\ude00\ud83d'],
    ['leading U+FEFF (not a byte-order mark)', '\ufeffabc'],
  ];

  for (const [name, s] of cases) {
    it(`round-trips ${name}`, () => {
      const { lenWord, decoded } = roundTripString(s);
      expect(decoded).toBe(s);
      expect(lenWord).toBe(isLatin1(s) ? s.length : (2 * s.length) | LEN_UTF16);
    });
  }

  it('writes latin1 as one byte per unit and anything else as UTF-16LE units', () => {
    expect(encodeString('é', u8, u16, 64)).toBe(1);
    expect(Array.from(u8.subarray(64, 65))).toEqual([0xe9]);
    expect(encodeString('ĀA', u8, u16, 64)).toBe(4 | LEN_UTF16);
    expect(Array.from(u8.subarray(64, 68))).toEqual([0x00, 0x01, 0x41, 0x00]);
    // A late non-latin1 unit restarts the whole string as UTF-16.
    const late = repeatTo('abc', 200) + '\u0100';
    const lenWord = encodeString(late, u8, u16, 64);
    expect(lenWord).toBe((2 * late.length) | LEN_UTF16);
    expect(Array.from(u8.subarray(64, 64 + (lenWord & LEN_BYTES_MASK)))).toEqual(expectedBytes(late));
  });

  const longKinds: Array<[name: string, unit: string]> = [
    ['ASCII', 'The quick brown fox. '],
    ['latin1', 'àéîõü ÿ\u0080'],
    ['BMP', 'Ωμέγα 日本語 '],
    ['astral', '😀🎉𝄞'],
    ['lone surrogates', 'x\ud800y\udc00'],
    ['U+FEFF first', '\ufeffΩ'],
  ];
  for (const [name, unit] of longKinds) {
    it(`round-trips a 100k-unit ${name} string`, () => {
      const s = repeatTo(unit, 100_000);
      const { lenWord, decoded } = roundTripString(s, 4096);
      expect(decoded).toBe(s);
      expect(lenWord & LEN_UTF16).toBe(isLatin1(s) ? 0 : LEN_UTF16);
    });
  }

  it('round-trips a several-MB string (bigger than the scratch buffer it keeps)', () => {
    for (const unit of ['abcdefgh', 'àbçdé', 'Ωμέγα', 'a\ud800']) {
      const s = repeatTo(unit, 3 << 20);
      expect(roundTripString(s, 8).decoded).toBe(s);
    }
  });

  it('round-trips lengths around the short/long and chunk boundaries', () => {
    const lengths = [1, 2, 3, 4, 5, 7, 8, 63, 64, 65, 66, 127, 128, 4095, 4096, 4097, 4096 + 64, 4096 + 65, 8193];
    const units = ['a', 'é', 'Ω', '😀', '\ud800', 'a\ud800'];
    for (const length of lengths) {
      for (const unit of units) {
        const s = repeatTo(unit, length);
        expect(roundTripString(s).decoded).toBe(s);
        // The odd unit last, so the scan for it must reach the end.
        const tail = repeatTo('a', length - 1) + unit[0];
        expect(roundTripString(tail).decoded).toBe(tail);
      }
    }
  });

  it('round-trips any string of arbitrary code units', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        expect(roundTripString(s).decoded).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any string of graphemes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        expect(roundTripString(s).decoded).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips long mixed strings (the TextEncoder/TextDecoder paths and their fallbacks)', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 200 }),
      fc.string({ unit: 'grapheme-composite', maxLength: 50 }),
      fc.string({ unit: 'binary', maxLength: 50 }),
      fc.stringMatching(/^[\u0080-\u00ff]{1,100}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (pieces) => {
        const s = pieces.join('');
        expect(roundTripString(s).decoded).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('chooses latin1 exactly when every code unit is below 0x100, with canonical bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.stringMatching(/^[\u0000-\u00ff]{0,100}$/)),
        (s) => {
          const lenWord = encodeString(s, u8, u16, 64);
          const bytes = Array.from(u8.subarray(64, 64 + (lenWord & LEN_BYTES_MASK)));
          expect((lenWord & LEN_UTF16) === 0).toBe(isLatin1(s));
          expect(lenWord & LEN_BYTES_MASK).toBeLessThanOrEqual(stringByteBound(s));
          expect(bytes).toEqual(expectedBytes(s));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives equal bytes for equal strings however they were built', () => {
    const flat = 'Ωmega-' + 'x'.repeat(100);
    const rope = ['Ω', 'mega', '-', 'x'.repeat(50), 'x'.repeat(50)].join('');
    const sliced = ('__' + flat + '__').slice(2, -2);
    const encodings = [flat, rope, sliced].map((s) => {
      const lenWord = encodeString(s, u8, u16, 64);
      return [lenWord, ...u8.subarray(64, 64 + (lenWord & LEN_BYTES_MASK))];
    });
    expect(encodings[1]).toEqual(encodings[0]);
    expect(encodings[2]).toEqual(encodings[0]);
  });

  it('decodes from any 8-aligned offset, depending only on the bytes it wrote', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.integer({ min: 1, max: (MEMORY_BYTES - 1024) >> 3 }),
        (s, slot) => {
          expect(roundTripString(s, slot * 8).decoded).toBe(s);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('bytes', () => {
  it('round-trips empty, small and large arrays as non-shared copies', () => {
    const large = new Uint8Array(3 << 20).map((_, i) => (i * 31) & 0xff);
    for (const b of [new Uint8Array(0), Uint8Array.of(0, 1, 255), large]) {
      fillCanary(72, b.length);
      const lenWord = encodeBytes(b, u8, 72);
      expect(lenWord).toBe(b.length);
      expectCanaryAround(72, b.length, b.length);
      const decoded = decodeBytes(u8, 72, lenWord);
      expect(sameBytes(decoded, b)).toBe(true);
      expect(decoded.constructor).toBe(Uint8Array);
      expect(decoded.buffer).toBeInstanceOf(ArrayBuffer);
      // The copy is the caller's: later writes to the map's memory don't reach it.
      u8.fill(0, 72, 72 + b.length);
      expect(sameBytes(decoded, b)).toBe(true);
    }
  });

  it('copies from views with an offset, Buffers and shared views', () => {
    const backing = Uint8Array.from({ length: 32 }, (_, i) => i);
    const shared = new Uint8Array(new SharedArrayBuffer(8)).fill(7);
    for (const b of [backing.subarray(3, 11), Buffer.from([9, 8, 7]), shared]) {
      const lenWord = encodeBytes(b, u8, 128);
      expect(Array.from(decodeBytes(u8, 128, lenWord))).toEqual(Array.from(b));
    }
  });

  it('round-trips arbitrary arrays at arbitrary 8-aligned offsets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 10_000 }), (b, slot) => {
        const lenWord = encodeBytes(b, u8, slot * 8);
        expect(decodeBytes(u8, slot * 8, lenWord)).toEqual(b);
      }),
    );
  });
});

describe('structured values', () => {
  const cyclic: Record<string, unknown> = { name: 'root' };
  cyclic.self = cyclic;

  const cases: Array<[name: string, value: unknown]> = [
    ['null', null],
    ['booleans', [true, false]],
    ['numbers', [0, 1, -1, 127, 128, 255, 256, -33, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 + 2, 0.1, 1e-320]],
    ['special numbers', [NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON]],
    ['bigints', [0n, -1n, 5n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 200n, -(2n ** 200n)]],
    ['strings', ['', 'ascii', 'é', 'Ωμέγα', '😀', 'x'.repeat(70_000)]],
    ['a plain object', { a: 1, b: 'two', c: [3], d: { e: null } }],
    ['an empty object and array', [{}, []]],
    ['many shapes', Array.from({ length: 200 }, (_, i) => ({ [`k${i % 97}`]: i, [`z${i % 5}`]: { q: i } }))],
    ['nested undefined', { a: undefined, b: [undefined] }],
    ['a Map with non-string keys', new Map<unknown, unknown>([[1, 'one'], ['1', 1], [true, { x: 1 }], [null, [1]]])],
    ['a Set', new Set([1, 'a', null, 2n])],
    ['Dates', [new Date(0), new Date(1_700_000_000_123), new Date(-1500), new Date(8.64e15), new Date(-8.64e15)]],
    ['typed arrays', [
      Uint8Array.of(1, 2, 3), Int8Array.of(-1), Uint8ClampedArray.of(255), Int16Array.of(-2), Uint16Array.of(65535),
      Int32Array.of(-3), Uint32Array.of(2 ** 32 - 1), Float32Array.of(1.5, NaN), Float64Array.of(-0, 0.1),
      BigInt64Array.of(-1n), BigUint64Array.of(2n ** 64n - 1n), new Uint8Array(0),
    ]],
    ['an ArrayBuffer', Uint8Array.of(1, 2, 3).buffer],
    ['a RegExp', /a+b/giu],
    ['nested everything', {
      list: [1, 'two', { three: new Map([['four', new Set([5])]]) }],
      when: new Date(1_600_000_000_000),
      bytes: Float64Array.of(1, 2),
      big: 12345678901234567890n,
    }],
    ['top-level scalars', ['just a string']],
  ];

  for (const [name, value] of cases) {
    it(`round-trips ${name}`, () => {
      expect(roundTripStructured(value)).toStrictEqual(value);
    });
  }

  it('round-trips cycles and shared references', () => {
    const shared = { n: 1 };
    const decoded = roundTripStructured({ cyclic, pair: [shared, shared] }) as {
      cyclic: { self: unknown };
      pair: [unknown, unknown];
    };
    expect(decoded.cyclic.self).toBe(decoded.cyclic);
    expect(decoded.pair[0]).toBe(decoded.pair[1]);
    expect(decoded.pair[0]).toEqual(shared);
  });

  it('round-trips an invalid Date and an Error', () => {
    const [invalid, error] = roundTripStructured([new Date(NaN), new RangeError('boom', { cause: 7 })]) as [Date, Error];
    expect(invalid).toBeInstanceOf(Date);
    expect(invalid.getTime()).toBeNaN();
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe('boom');
    expect(error.cause).toBe(7);
  });

  it('decodes into values that do not share the reused scratch buffer', () => {
    const first = roundTripStructured({ bytes: Uint8Array.of(1, 2, 3), raw: Buffer.from([4, 5]) }) as {
      bytes: Uint8Array;
      raw: Uint8Array;
    };
    roundTripStructured({ other: new Uint8Array(64).fill(9), more: Buffer.alloc(64, 9) });
    expect(Array.from(first.bytes)).toEqual([1, 2, 3]);
    expect(Array.from(first.raw)).toEqual([4, 5]);
  });

  it('decodes from a non-zero offset', () => {
    for (const byteOffset of [8, 1024, 4096 + 8]) {
      expect(roundTripStructured({ at: byteOffset }, byteOffset)).toEqual({ at: byteOffset });
    }
  });

  const anything = fc.anything({
    key: fc.string({ unit: 'grapheme', maxLength: 8 }).filter((k) => k !== '__proto__'),
    values: [
      fc.boolean(),
      fc.integer(),
      fc.double().filter((d) => !Object.is(d, -0)),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom(null, undefined, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, 2 ** 32),
    ],
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    maxDepth: 4,
  });

  it('round-trips arbitrary values', () => {
    fc.assert(
      fc.property(anything, (value) => {
        expect(roundTripStructured(value)).toStrictEqual(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives equal bytes for equal values, and for what decoding gives back', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const bytes = structuredBytes(value);
        expect(structuredBytes(structuredClone(value))).toEqual(bytes);
        expect(structuredBytes(roundTripStructured(value))).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it("encodes a value the same whatever this thread encoded before (records keep no state)", () => {
    fc.assert(
      fc.property(anything, fc.array(anything, { maxLength: 5 }), (value, others) => {
        const first = structuredBytes(value);
        for (const other of others) encodeStructured(other);
        expect(structuredBytes(value)).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });

  it('throws on a nested function or symbol, and encodes the next value as usual', () => {
    const before = structuredBytes({ ok: [1, 2] });
    expect(() => encodeStructured({ f() {} })).toThrow(TypeError);
    expect(() => encodeStructured([Symbol('s')])).toThrow();
    expect(structuredBytes({ ok: [1, 2] })).toEqual(before);
  });

  // What does not survive, pinned so a msgpackr upgrade that changes it is noticed.
  describe('known differences from structuredClone', () => {
    it('-0 becomes 0 (msgpackr writes it as the integer 0)', () => {
      expect(Object.is(roundTripStructured(-0), 0)).toBe(true);
      expect(structuredBytes(-0)).toEqual(structuredBytes(0));
    });

    it('lone surrogates inside a structured value become U+FFFD (MessagePack strings are UTF-8)', () => {
      const decoded = roundTripStructured(['a\ud800b', 'x'.repeat(70) + '\udc00']) as string[];
      for (const s of decoded) expect(s).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      expect(decoded[0]).toMatch(/^a\ufffd+b$/);
    });

    it('a key named __proto__ is renamed __proto_ (msgpackr guards against prototype pollution)', () => {
      expect(roundTripStructured(JSON.parse('{"__proto__": 1}'))).toEqual({ __proto_: 1 });
    });

    it('class instances come back as plain objects; a Buffer as a Uint8Array', () => {
      class Point {
        constructor(readonly x: number) {}
      }
      const [point, buffer] = roundTripStructured([new Point(1), Buffer.from([1])]) as [object, Uint8Array];
      expect(Object.getPrototypeOf(point)).toBe(Object.prototype);
      expect(point).toEqual({ x: 1 });
      expect(buffer.constructor).toBe(Uint8Array);
    });

    it('holes in sparse arrays become undefined', () => {
      const decoded = roundTripStructured([1, , 3]) as unknown[];
      expect(1 in decoded).toBe(true);
      expect(decoded[1]).toBeUndefined();
    });
  });
});

describe('value kinds', () => {
  it('lists the kinds, which of them are inline, and how to describe them', () => {
    expect(KEY_KINDS).toEqual(['number', 'int32', 'string', 'bytes']);
    expect(VALUE_KINDS).toEqual(['number', 'int32', 'string', 'bytes', 'structured']);
    expect(VALUE_KINDS.filter(isInlineKind)).toEqual(['number', 'int32']);
    expect(VALUE_KINDS.map(kindDescription)).toEqual([
      'a number',
      'an int32 (an integer from -2147483648 to 2147483647)',
      'a string',
      'a Uint8Array',
      'a structured-cloneable value',
    ]);
  });

  it('validates keys', () => {
    const table: Array<[kind: (typeof KEY_KINDS)[number], valid: unknown[], invalid: unknown[]]> = [
      ['number', [0, -0, 1.5, NaN, Infinity], ['1', 1n, null, undefined]],
      ['int32', [0, -0, -(2 ** 31), 2 ** 31 - 1], [2 ** 31, -(2 ** 31) - 1, 1.5, NaN, Infinity, '1', 1n]],
      ['string', ['', 'a'], [1, null, new String('a')]],
      ['bytes', [new Uint8Array(0), Buffer.from('a')], [[1], new Uint16Array(1), new ArrayBuffer(1), 'a']],
    ];
    for (const [kind, valid, invalid] of table) {
      for (const key of valid) expect(isValidKey(kind, key), `${kind} ${String(key)}`).toBe(true);
      for (const key of invalid) expect(isValidKey(kind, key), `${kind} ${String(key)}`).toBe(false);
    }
  });

  it('validates values', () => {
    expect(isValidValue('int32', 2 ** 31)).toBe(false);
    expect(isValidValue('bytes', Uint8Array.of(1))).toBe(true);
    for (const value of [null, 0, '', false, 1n, {}, [], new Map(), new Date()]) {
      expect(isValidValue('structured', value)).toBe(true);
    }
    for (const value of [undefined, () => 1, Symbol('s')]) {
      expect(isValidValue('structured', value)).toBe(false);
    }
  });
});

// Browsers throw when TextEncoder.encodeInto or TextDecoder.decode get a view over a
// SharedArrayBuffer; Node does not. Stand-ins that refuse them like a browser (and count the
// attempts, since the UTF-16 path catches decoder errors) stand in for the globals while a fresh
// copy of the module loads.
describe('the browser rule: no shared views for TextEncoder and TextDecoder', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('never hands them a shared view, on any string path', async () => {
    let sharedViews = 0;
    let calls = 0;
    const refuseShared = (view: unknown) => {
      calls++;
      if (ArrayBuffer.isView(view) && view.buffer instanceof SharedArrayBuffer) {
        sharedViews++;
        throw new TypeError('The provided ArrayBufferView value must not be shared.');
      }
    };
    class BrowserTextEncoder extends TextEncoder {
      override encodeInto(source: string, destination: Uint8Array) {
        refuseShared(destination);
        return super.encodeInto(source, destination);
      }
    }
    class BrowserTextDecoder extends TextDecoder {
      override decode(input?: AllowSharedBufferSource, options?: TextDecodeOptions) {
        refuseShared(input);
        return super.decode(input, options);
      }
    }
    vi.stubGlobal('TextEncoder', BrowserTextEncoder);
    vi.stubGlobal('TextDecoder', BrowserTextDecoder);
    vi.resetModules();
    const codec = await import('../src/codec.js');

    const strings = ['short', 'é', 'Ω', ...['The quick fox. ', 'àéîõü', 'Ωμέγα', 'x\ud800'].map((unit) => repeatTo(unit, 10_000))];
    for (const s of strings) {
      const lenWord = codec.encodeString(s, u8, u16, 64);
      expect(codec.decodeString(u8, u16, 64, lenWord)).toBe(s);
    }
    const value = { text: 'Ωμέγα '.repeat(100), bytes: Uint8Array.of(1) };
    const encoded = codec.encodeStructured(value);
    u8.set(encoded, 64);
    expect(codec.decodeStructured(u8, 64, encoded.length)).toStrictEqual(value);
    expect(calls).toBeGreaterThan(0); // the fresh module did pick up the stand-ins
    expect(sharedViews).toBe(0);
  });
});

// The real question behind determinism: a value encoded here decodes in another thread, which
// has its own module instance and its own Packr, and encodes back to the same bytes there. Workers
// cannot load .ts, so the worker runs src/codec.ts transpiled on the fly, importing msgpackr by
// path: once the Node build (native string extraction) and once the browser build (pure JS).
describe('across threads', () => {
  let worker: Worker | undefined;
  afterEach(async () => {
    await worker?.terminate();
    worker = undefined;
  });

  const msgpackrDir = resolve(createRequire(import.meta.url).resolve('msgpackr'), '../..');

  function codecWorkerSource(msgpackrEntry: string): string {
    const codec = ts.transpileModule(readFileSync(new URL('../src/codec.ts', import.meta.url), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const entryUrl = pathToFileURL(resolve(msgpackrDir, msgpackrEntry)).href;
    // Decode every blob, then encode each result back, and report both.
    return `${codec.replace(/from ['"]msgpackr['"]/, `from '${entryUrl}'`)}
import { parentPort, workerData } from 'node:worker_threads';
const { memory, blobs } = workerData;
const m8 = new Uint8Array(memory), m16 = new Uint16Array(memory);
const values = blobs.map(({ kind, byteOffset, lenWord }) =>
  kind === 'string' ? decodeString(m8, m16, byteOffset, lenWord) : decodeStructured(m8, byteOffset, lenWord));
const reencoded = blobs.map(({ kind }, i) => {
  if (kind !== 'structured') return null;
  return Uint8Array.from(encodeStructured(values[i]));
});
parentPort.postMessage({ values, reencoded });
`;
  }

  function runCodecWorker(msgpackrEntry: string, workerData: unknown): Promise<{ values: unknown[]; reencoded: Array<Uint8Array | null> }> {
    const source = codecWorkerSource(msgpackrEntry);
    worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), { workerData });
    const running = worker;
    return new Promise((resolvePromise, reject) => {
      const deadline = setTimeout(() => reject(new Error('codec worker timed out')), 20_000);
      running.once('message', (message) => {
        clearTimeout(deadline);
        resolvePromise(message);
      });
      running.once('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
    });
  }

  const values: unknown[] = [
    { a: 1, nested: { a: 2, list: [1, 'x', null] } },
    new Map<unknown, unknown>([['k', { v: 1 }], [2, [3]]]),
    new Set(['a', 1]),
    [new Date(1_700_000_000_123), Uint8Array.of(1, 2), Float64Array.of(0.5), 2n ** 100n],
    Array.from({ length: 100 }, (_, i) => ({ [`key${i % 70}`]: i })),
    'Ωμέγα '.repeat(1000),
  ];
  const strings = ['', 'ascii', 'é', 'a\ud800', repeatTo('Ω😀\udc00', 10_000), repeatTo('àbc', 10_000)];

  for (const entry of ['node-index.js', 'index.js']) {
    it(`a worker using msgpackr/${entry} decodes what this thread encoded and re-encodes the same bytes`, async () => {
      const memory = new SharedArrayBuffer(1 << 20);
      const m8 = new Uint8Array(memory);
      const m16 = new Uint16Array(memory);
      const blobs: Array<{ kind: 'string' | 'structured'; byteOffset: number; lenWord: number }> = [];
      const expectedBytes: Array<Uint8Array | null> = [];
      let byteOffset = 8;
      for (const s of strings) {
        const lenWord = encodeString(s, m8, m16, byteOffset);
        blobs.push({ kind: 'string', byteOffset, lenWord });
        expectedBytes.push(null);
        byteOffset += ((lenWord & LEN_BYTES_MASK) + 7) & ~7;
      }
      for (const value of values) {
        const encoded = encodeStructured(value);
        m8.set(encoded, byteOffset);
        blobs.push({ kind: 'structured', byteOffset, lenWord: encoded.length });
        expectedBytes.push(Uint8Array.from(encoded));
        byteOffset += (encoded.length + 7) & ~7;
      }

      const result = await runCodecWorker(entry, { memory, blobs });

      expect(result.values).toStrictEqual([...strings, ...values]);
      expect(result.reencoded).toEqual(expectedBytes);
    });
  }
});
