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

/**
 * YCSB's ZipfianGenerator (Gray et al., "Quickly generating billion-record synthetic databases",
 * SIGMOD 1994, as YCSB implements it): returns a function drawing ranks in [0, n), rank 0 the most
 * popular, P(rank r) proportional to 1 / (r + 1)^theta. zeta(n) is summed once, O(n).
 */
export function zipfian(n, theta, random) {
  let zetan = 0;
  for (let i = 1; i <= n; i++) zetan += 1 / Math.pow(i, theta);
  const zeta2theta = 1 + 1 / Math.pow(2, theta);
  const alpha = 1 / (1 - theta);
  const eta = (1 - Math.pow(2 / n, 1 - theta)) / (1 - zeta2theta / zetan);
  const half = 1 + Math.pow(0.5, theta);
  return () => {
    const u = random();
    const uz = u * zetan;
    if (uz < 1) return 0;
    if (uz < half) return 1;
    return Math.min(n - 1, Math.floor(n * Math.pow(eta * u - eta + 1, alpha)));
  };
}

/**
 * A seeded permutation of [0, n) (Fisher-Yates), used to scatter zipfian ranks over the key space
 * as YCSB's ScrambledZipfianGenerator does with an FNV hash. A permutation keeps the distribution
 * exact (a hash modulo n merges some ranks); every worker builds it from the same seed, so all
 * threads agree on which keys are hot.
 */
export function permutation(n, seed) {
  const random = mulberry32(seed);
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/**
 * A function drawing indices in [0, n) from `dist`: 'uniform', or 'zipf' (YCSB's scrambled
 * zipfian, theta ZIPF_THETA). `seed` drives the draws; the zipf scatter always uses SCATTER_SEED.
 */
export function indexDrawer(dist, n, seed) {
  const random = mulberry32(seed);
  if (dist === 'uniform') return () => Math.floor(random() * n);
  if (dist !== 'zipf') throw new Error(`unknown key distribution ${dist}`);
  const rank = zipfian(n, ZIPF_THETA, random);
  const scatter = permutation(n, SCATTER_SEED);
  return () => scatter[rank()];
}

/** YCSB's default zipfian constant. */
export const ZIPF_THETA = 0.99;
const SCATTER_SEED = 0x5ca77e4;
