// Main-thread helpers for the concurrency tests: task URLs, map creation with the debug core
// (checkInvariants needs it), and an iteration that fails on a duplicate key.
//
// The main thread never blocks: it creates maps and SharedArrayBuffers, starts runWorkers and
// checks end states. Every run has its own deadline (RUN_TIMEOUT_MS) well below vitest's
// testTimeout (vitest.config.ts), and runWorkers terminates every worker when it settles, so
// a worker stuck in Atomics.wait never outlives its test.

import { ConcurrentMap, type CreateOptions, type KeyKind, type ValueKind } from 'sharemap';
import { debugModule } from 'sharemap/testing';

export const RUN_TIMEOUT_MS = 60_000;
export const THREAD_COUNTS = [2, 4] as const;

/**
 * The largest B a one-bucket run may end with. Deletes leave tombstones that keep their slots for
 * a grace period (assembly/README.md, C4), so an insert may link an overflow bucket, and G1 then
 * sums the striped size counters without a snapshot: a delete and an insert racing with it can
 * count 7 entries for a moment and double the table once. The keys stay in two buckets at most.
 */
export const ONE_DOUBLING = 1;

export const task = (name: string): URL => new URL(`./tasks/${name}.mjs`, import.meta.url);

/**
 * The strategy the stress suites run on: test/strategies/stress.*.test.ts set
 * SHAREMAP_TEST_STRATEGY and import the suites, so each runs once per strategy that allows
 * concurrent writers (default 'concurrent'). A test that names a strategy itself keeps it.
 */
const STRATEGY = process.env.SHAREMAP_TEST_STRATEGY as CreateOptions['strategy'] | undefined;

/** A map on the debug core, so checkInvariants works on it. */
export async function debugMap<KK extends KeyKind, VK extends ValueKind>(
  options: CreateOptions<KK, VK>,
) {
  return ConcurrentMap.create({ ...(STRATEGY ? { strategy: STRATEGY } : {}), ...options, module: await debugModule() });
}

/** Every entry of `map`, failing on a key yielded twice. Call only while no thread writes. */
export function entriesOnce<K, V>(map: ConcurrentMap<K, V>): Map<K, V> {
  const seen = new Map<K, V>();
  for (const [key, value] of map.entries()) {
    if (seen.has(key)) throw new Error(`iteration yielded key ${String(key)} twice`);
    seen.set(key, value);
  }
  return seen;
}

/**
 * The PRNG seed of a test: fixed per test name, so a re-run replays the same key and value
 * sequences (thread interleavings still vary); printed in assertion messages. Setting
 * SHAREMAP_TEST_SEED=<n> gives every test other seeds, to explore.
 */
export function seedFor(name: string): number {
  const override = process.env.SHAREMAP_TEST_SEED;
  let h = override === undefined ? 2166136261 : Number(override) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}
