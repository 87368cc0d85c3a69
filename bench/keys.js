// Seeded key sequences shared by the main thread (bench/latency.js) and the workers
// (bench/tasks/throughput.mjs), so the same seed gives the same keys in the same order in both.

/** mulberry32: a small 32-bit PRNG; returns floats in [0, 1). Not for cryptography. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `length` indices drawn uniformly from [0, len), as a Uint32Array (so keys stay small integers,
 * which both maps see as the same numbers). Preconditions: len <= 2^31.
 */
export function indexSequence(len, length, seed) {
  const random = mulberry32(seed);
  const indices = new Uint32Array(length);
  for (let i = 0; i < length; i++) indices[i] = Math.floor(random() * len);
  return indices;
}

/** The string stored for index i; lookups build a fresh one the same way. */
export const stringKey = (i) => 'key:' + i;
