// Wasm modules written out byte by byte, for the bench's floors (bench/probe-module.js,
// bench/bucket-floor.js, bench/bucket-floor-string.js): the bench needs no compiler, and the
// measured code is exactly what those files say it is. The encodings and opcodes below are the
// binary format's (WebAssembly core specification, "Binary Format").

/** Unsigned LEB128, as the Wasm binary format encodes sizes and limits. */
export function leb(n) {
  const bytes = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (n !== 0);
  return bytes;
}

/** Signed LEB128 of the `bits`-bit two's complement of `value` (a number or BigInt). */
export function sleb(value, bits) {
  let v = BigInt.asIntN(bits, BigInt(value));
  const bytes = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) return [...bytes, byte];
    bytes.push(byte | 0x80);
  }
}

/** A section of the binary format: its id, its size, its bytes. */
export const section = (id, body) => [id, ...leb(body.length), ...body];
/** A name (of an import, an export): its length, its bytes. */
export const name = (text) => [...leb(text.length), ...Buffer.from(text)];

// Opcodes.
export const GET = 0x20, SET = 0x21, I32_CONST = 0x41, I64_CONST = 0x42, IF = 0x04, ELSE = 0x05, I32_RESULT = 0x7f;
export const ATOMIC = 0xfe, I32_ATOMIC_RMW_ADD = 0x1e, I32_ATOMIC_LOAD = 0x10, I32_ATOMIC_STORE = 0x17;
export const I32_LOAD = 0x28, I64_LOAD = 0x29, SELECT = 0x1b, END = 0x0b;
export const I32_OR = 0x72, I32_AND = 0x71, I32_MUL = 0x6c, I32_ADD = 0x6a, I32_SHL = 0x74, I32_WRAP_I64 = 0xa7;
export const I32_GE_U = 0x4f, I32_GT_U = 0x4b, I32_SUB = 0x6b;
export const I64_EXTEND_I32_U = 0xad, I64_MUL = 0x7e, I64_XOR = 0x85, I64_SHR_U = 0x88, I64_OR = 0x84;
export const I64_AND = 0x83, I64_SUB = 0x7d, I64_CTZ = 0x7a, I64_EQ = 0x51, I64_SHL = 0x86, I64_ROTL = 0x89;
export const I64_ADD = 0x7c;
export const LOCAL_I64 = 0x7e, LOCAL_I32 = 0x7f;

export const i32 = (value) => [I32_CONST, ...sleb(value, 32)];
export const i64 = (value) => [I64_CONST, ...sleb(value, 64)];
export const load64 = (offset) => [I64_LOAD, 0x03, ...leb(offset)]; // align 8
export const load32 = (offset) => [I32_LOAD, 0x02, ...leb(offset)]; // align 4

/**
 * A module of (i32) -> i32 functions over an imported shared memory of exactly `pages` pages:
 * `functions` is [{ name, locals, body }], `locals` the local declarations' bytes (count, then
 * [n, type] groups), `body` the instructions without the final `end`.
 */
export function functionModule(pages, functions) {
  const limits = [0x03, ...leb(pages), ...leb(pages)]; // has a maximum, shared
  const code = ({ locals, body }) => {
    const bytes = [...locals, ...body, END];
    return [...leb(bytes.length), ...bytes];
  };
  return new WebAssembly.Module(new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]), // one type: (i32) -> i32
    ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, ...limits]),
    ...section(3, [functions.length, ...functions.map(() => 0x00)]),
    ...section(7, [functions.length, ...functions.flatMap((f, i) => [...name(f.name), 0x00, i])]),
    ...section(10, [functions.length, ...functions.flatMap(code)]),
  ]));
}
