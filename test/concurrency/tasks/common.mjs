// Helpers shared by the concurrency tasks (plain JS: workers cannot load .ts) and their tests:
// a seeded PRNG, key partitioning by owner, values that name their key, and rendezvous words
// over a SharedArrayBuffer for forcing interleavings. Nothing here sleeps or reads a clock to
// order threads.

// ── Seeded randomness ──────────────────────────────────────────────────────────────────────────

/** mulberry32: a small, fast, seeded PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed per (test seed, thread): distinct streams for each thread of one run. */
export function threadSeed(seed, index) {
  return (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
}

/** An integer in [0, n) from a PRNG made by mulberry32. */
export function randInt(rand, n) {
  return Math.floor(rand() * n);
}

// ── Keys by owner ──────────────────────────────────────────────────────────────────────────────

/** The j-th key owned by thread `index` of `threads` (keys k with k % threads === index). */
export function ownedKey(index, threads, j) {
  return j * threads + index;
}

/** Which thread owns number key `key` under ownedKey's partition. */
export function ownerOf(key, threads) {
  return key % threads;
}

/**
 * The string form of a number key, for string-keyed maps. Even keys are short (at most 16 bytes:
 * held in their slot), odd keys long (a blob each), so every string test runs both kinds of key
 * in the same chains, moving between the same slots (assembly/layout.ts, "Buckets").
 */
export function keyString(key) {
  return key % 2 === 0 ? `key-${key}` : `key-${key}:a-key-longer-than-16-bytes`;
}

/** The number back from keyString. */
export function keyNumber(keyText) {
  return Number.parseInt(keyText.slice(4), 10);
}

// ── Values that encode their key ───────────────────────────────────────────────────────────────

/**
 * A number value for `key` (an integer below keySpace) at `version`: value % keySpace === key,
 * so a reader can tell whether a value belongs to the key it asked for.
 */
/**
 * Key number `key` (0-5) of the one-bucket tasks as a map key of `kind`: itself, or a string of
 * 5 + 2 * key bytes, so that the six keys fill one 8-byte word or two (a short key's bytes sit in
 * its slot: assembly/layout.ts keyInSlot).
 */
export function bucketKey(kind, key) {
  return kind === 'string' ? 'key:' + 'x'.repeat(2 * key) + key : key;
}

export function numberValue(key, version, keySpace) {
  return version * keySpace + key;
}

export function numberValueKey(value, keySpace) {
  return value % keySpace;
}

/**
 * A string value for `key` at `version`, `length` characters long (at least the prefix):
 * "val:<key>:<version>:<length>:" then filler characters derived from key and version, so a
 * value that was torn, or copied from another blob, fails checkStringValue.
 */
export function stringValue(key, version, length) {
  const prefix = `val:${key}:${version}:${length}:`;
  if (length <= prefix.length) return prefix;
  return prefix + filler(key, version, length - prefix.length);
}

const FILLER_CACHE = new Map();
function filler(key, version, n) {
  // One letter, chosen by key and version, repeated: cheap to build and to check.
  const letter = String.fromCharCode(97 + ((key * 7 + version * 13) % 26));
  const cacheKey = letter + n;
  let text = FILLER_CACHE.get(cacheKey);
  if (text === undefined) {
    text = letter.repeat(n);
    if (FILLER_CACHE.size < 4096) FILLER_CACHE.set(cacheKey, text);
  }
  return text;
}

/**
 * Whether `value` is exactly a stringValue of `key` (any version, any length): returns the
 * version, or -1 for a value that belongs to another key or is damaged.
 */
export function checkStringValue(value, key) {
  if (typeof value !== 'string') return -1;
  const parts = value.split(':', 4);
  if (parts.length < 4 || parts[0] !== 'val' || Number(parts[1]) !== key) return -1;
  const version = Number(parts[2]);
  const length = Number(parts[3]);
  if (!Number.isInteger(version) || !Number.isInteger(length)) return -1;
  return stringValue(key, version, length) === value ? version : -1;
}

// ── Rendezvous words (Int32Array over a SharedArrayBuffer) ─────────────────────────────────────

/** A SharedArrayBuffer of `count` Int32 words, all 0: create it on the main thread, pass in args. */
export function sharedWords(count) {
  return new Int32Array(new SharedArrayBuffer(count * Int32Array.BYTES_PER_ELEMENT));
}

/**
 * A note-taker for a task's `result.examples`: note(what, key, value) keeps the first five, so a
 * failed assertion shows what went wrong without a result too large to read.
 */
export function exampleNoter(result) {
  return (what, key, value) => {
    if (result.examples.length < 5) result.examples.push({ what, key, value });
  };
}

/** Stores `value` at word `at` and wakes every thread waiting on it. */
export function signal(words, at, value) {
  Atomics.store(words, at, value);
  Atomics.notify(words, at);
}

/** Adds `delta` at word `at`, wakes waiters, returns the new value. */
export function bump(words, at, delta = 1) {
  const next = Atomics.add(words, at, delta) + delta;
  Atomics.notify(words, at);
  return next;
}

/** Blocks (worker threads only) until word `at` is >= `value`. */
export function waitAtLeast(words, at, value) {
  for (;;) {
    const seen = Atomics.load(words, at);
    if (seen >= value) return seen;
    Atomics.wait(words, at, seen);
  }
}

/**
 * A reusable barrier for `parties` threads on words [at, at + 1] (count, generation): every
 * caller returns only after all `parties` have called it for this generation.
 */
export function barrier(words, at, parties) {
  const generation = Atomics.load(words, at + 1);
  if (Atomics.add(words, at, 1) + 1 === parties) {
    Atomics.store(words, at, 0);
    Atomics.add(words, at + 1, 1);
    Atomics.notify(words, at + 1);
    return;
  }
  while (Atomics.load(words, at + 1) === generation) Atomics.wait(words, at + 1, generation);
}
