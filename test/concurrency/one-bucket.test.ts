// Readers of a one-bucket map whose every write moves entries between slots: no foreign value,
// no stable key missed. The read path re-validates the bucket version after it read the key and
// the value (R5/R6); without that, a reader returns the value of a key that moved into the slot
// (tasks/one-bucket.mjs explains the race).
// Overwriters of the same bucket: the fast path's set CASes the slot it found without a lock
// (C1–C6); were deletes to move entries, a store would land in a slot the key has just left
// (tasks/one-bucket-writers.mjs).
// Inserts publish an entry with its tophash, stored after the key and value words and with no
// version bracket (W6b): with string values, whose deletes move entries and leave the last slot's
// old words behind, the writer waits between the words and the tophash (publishStall) while
// readers read; had the tophash gone first, they would pair a key with another key's value.
// All run with number keys and with short string keys (5 to 15 bytes: one or two words), whose
// fast path compares the bytes in the slot itself, the bytes a move rewrites.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { ONE_DOUBLING, RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, seedFor, task } from './harness.js';
import { bucketKey, numberValue, numberValueKey, sharedWords } from './tasks/common.mjs';
import { bucketValue } from './tasks/one-bucket.mjs';
import { prefill as prefillReuse } from './tasks/one-bucket-reuse.mjs';

const WRITES = 400_000;
/** Reads each reader makes at least: the writer writes on until they have (tasks/one-bucket.mjs). */
const MIN_READS = 10_000;
/** Reader spins between key and value (assembly/hooks.ts readStall): the window a writer needs. */
const STALL_SPINS = 200;
/** Writer spins between an insert's words and its tophash (assembly/hooks.ts publishStall). */
const PUBLISH_SPINS = 2_000;
/** Writes of the publish runs: each insert waits out PUBLISH_SPINS. */
const PUBLISH_WRITES = 100_000;
/** Fresh keys the writer of the reuse runs inserts (and deletes), at least. */
const REUSE_WRITES = 200_000;
/** Reader spins between key and value in the reuse runs: a delete and a reusing insert's time. */
const REUSE_STALL_SPINS = 2_000;
/** Overwrites per overwriting thread, each read back. */
const OVERWRITES = 100_000;

const KEY_KINDS = ['number', 'string'] as const;
const CASES = THREAD_COUNTS.flatMap((threads) => KEY_KINDS.map((keyKind) => [threads, keyKind] as const));

describe.each(CASES)('one bucket under churn, %i threads, %s keys', (threads, keyKind) => {
  it('every value read belongs to its key; stable keys are never missed', async () => {
    const seed = seedFor(`one bucket ${threads}${keyKind === 'number' ? '' : ` ${keyKind}`}`);
    const map: any = await debugMap({ key: keyKind, value: 'number', initialCapacity: 0 });
    for (let key = 0; key < 6; key++) map.set(bucketKey(keyKind, key), numberValue(key, 0, 1 << 24));
    expect(map.stats().B).toBe(0);
    const words = sharedWords(threads);
    const results = (await runWorkers({
      task: task('one-bucket'), threads, map, args: { ops: WRITES, seed, words, stall: STALL_SPINS, keyKind, minReads: MIN_READS },
      timeoutMs: RUN_TIMEOUT_MS,
    })) as { foreign: number; stableMissing: number; reads: number; examples: unknown[] }[];

    const readers = results.slice(1);
    expect(readers.map(({ foreign, stableMissing, examples }) => ({ foreign, stableMissing, examples })), `seed ${seed}`)
      .toEqual(readers.map(() => ({ foreign: 0, stableMissing: 0, examples: [] })));
    for (const r of readers) expect(r.reads).toBeGreaterThanOrEqual(MIN_READS);
    expect(map.stats().B).toBeLessThanOrEqual(ONE_DOUBLING); // the race above was the one exercised
    expect(checkInvariants(map)).toBe(0);
  });
});

describe.each(THREAD_COUNTS)('one bucket whose slots pass from key to key, %i threads, number keys', (threads) => {
  // Deletes leave tombstones here, so the churn above never gives a slot to another key; fresh
  // keys do (tasks/one-bucket-reuse.mjs). Without R6's version re-check, on the lean path of
  // these maps' reads (assembly/fast64.ts lean) as on probe's, readers return foreign values.
  it('every value read belongs to its key; keys present throughout are found', async () => {
    const seed = seedFor(`one bucket reuse ${threads}`);
    const map: any = await debugMap({ key: 'number', value: 'number', initialCapacity: 0 });
    const words = sharedWords(threads + 1);
    prefillReuse(map, words);
    expect(map.stats().B).toBe(0);
    const results = (await runWorkers({
      task: task('one-bucket-reuse'), threads, map, args: { ops: REUSE_WRITES, seed, words, stall: REUSE_STALL_SPINS, minReads: MIN_READS },
      timeoutMs: RUN_TIMEOUT_MS,
    })) as { foreign: number; windowMissing: number; reads: number; examples: unknown[] }[];

    const readers = results.slice(1);
    expect(readers.map(({ foreign, windowMissing, examples }) => ({ foreign, windowMissing, examples })), `seed ${seed}`)
      .toEqual(readers.map(() => ({ foreign: 0, windowMissing: 0, examples: [] })));
    for (const r of readers) expect(r.reads).toBeGreaterThanOrEqual(MIN_READS);
    expect(map.stats().B).toBeLessThanOrEqual(ONE_DOUBLING);
    expect(checkInvariants(map)).toBe(0);
  });
});

describe.each(CASES)('one bucket, overwrites against moves, %i threads, %s keys', (threads, keyKind) => {
  it('every overwrite reads back as written and lands on its own key', async () => {
    const seed = seedFor(`one bucket writers ${threads}${keyKind === 'number' ? '' : ` ${keyKind}`}`);
    const map: any = await debugMap({ key: keyKind, value: 'number', initialCapacity: 0 });
    // The deleted keys first, so that each delete moves an overwritten key (last in the bucket).
    for (const key of [3, 4, 5, 0, 1, 2]) map.set(bucketKey(keyKind, key), numberValue(key, 0, 1 << 24));
    expect(map.stats().B).toBe(0);
    const words = sharedWords(1);
    const results = (await runWorkers({
      task: task('one-bucket-writers'), threads, map, args: { ops: OVERWRITES, seed, words, stall: STALL_SPINS, keyKind },
      timeoutMs: RUN_TIMEOUT_MS,
    })) as { lost: number; foreign: number; writes: number; examples: unknown[] }[];

    expect(results.map(({ lost, foreign, examples }) => ({ lost, foreign, examples })), `seed ${seed}`)
      .toEqual(results.map(() => ({ lost: 0, foreign: 0, examples: [] })));
    const overwriters = results.slice(1);
    expect(overwriters.reduce((sum, r) => sum + r.writes, 0)).toBe(OVERWRITES * Math.min(threads - 1, 3));
    for (let key = 0; key < 3; key++) expect(numberValueKey(map.get(bucketKey(keyKind, key)), 1 << 24)).toBe(key);
    expect(map.stats().B).toBeLessThanOrEqual(ONE_DOUBLING);
    expect(checkInvariants(map)).toBe(0);
  });
});

describe.each(CASES)('one bucket, inserts published by their tophash, %i threads, %s keys', (threads, keyKind) => {
  it('every value read belongs to its key; stable keys are never missed', async () => {
    const seed = seedFor(`one bucket publish ${threads} ${keyKind}`);
    const map: any = await debugMap({ key: keyKind, value: 'string', initialCapacity: 0 });
    for (let key = 0; key < 6; key++) map.set(bucketKey(keyKind, key), bucketValue('string', key, 0));
    expect(map.stats().B).toBe(0);
    const words = sharedWords(threads);
    const results = (await runWorkers({
      task: task('one-bucket'), threads, map, timeoutMs: RUN_TIMEOUT_MS,
      args: { ops: PUBLISH_WRITES, seed, words, stall: 0, keyKind, valueKind: 'string', publish: PUBLISH_SPINS, minReads: MIN_READS },
    })) as { foreign: number; stableMissing: number; reads: number; examples: unknown[] }[];

    const readers = results.slice(1);
    expect(readers.map(({ foreign, stableMissing, examples }) => ({ foreign, stableMissing, examples })), `seed ${seed}`)
      .toEqual(readers.map(() => ({ foreign: 0, stableMissing: 0, examples: [] })));
    for (const r of readers) expect(r.reads).toBeGreaterThanOrEqual(MIN_READS);
    expect(map.stats().B).toBeLessThanOrEqual(ONE_DOUBLING);
    expect(checkInvariants(map)).toBe(0);
  });
});
