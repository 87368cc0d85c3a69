// Part 4 of `npm run bench`: what one call into Wasm costs on this runtime, beside sharemap and
// Map, so that the report shows which share of a single-thread operation is the call and which
// is ours. Every sharemap operation is one call into the map's own instance of the core. A module
// smaller than any map (one export, one i32.load) measures the call alone:
//
//   call/non-shared   ns per call with an imported non-shared memory, one cached address
//   call/shared       the same over an imported shared memory, as sharemap's core is
//   call/shared, a call site that saw 2 instances
//                     the same from a loop that has also called a second instance of the
//                     module: V8 then no longer inlines the call into the JS caller
//   miss/shared       a random cache line of a 64 MiB region per call: the floor of one
//                     memory access per call, with consecutive calls overlapping
//   miss/shared + key string
//                     the same, with the string 'key:' + i built before each call and its
//                     length in the address, as a lookup's bucket depends on its key: the
//                     floor for string keys built fresh per lookup, as the throughput bench
//                     builds them. Building the string alone takes ~18 ns here, but with it the
//                     loop overlaps one call's miss with the next one's far less (51 -> 106 ns)
//   bucket/shared     a hit in a table of 1M number keys shaped as sharemap's, doing only what
//                     every lookup in its buckets must: hash, load the bucket's tophash word,
//                     match it, load the slot's key and value (bench/bucket-floor.js). The floor
//                     of this design, beside the floor of any map (miss/shared)
//   bucket-write/shared
//                     a write in the same buckets, for each operation of part 2's zipfian churn
//                     on 1M entries (its inserts and its deletes alike): the lookup above, then
//                     one atomic add to the value word of the key's slot. The table holds the 1M
//                     keys, then the keys the churn inserts in the slots after theirs, as the map
//                     holds them. The floor of a write in these buckets, for target 5
//   bucket-write+pin/shared
//                     the same write between an epoch pin and unpin, the two SC stores that
//                     sharemap makes around every write (assembly/epoch.ts): the floor of a
//                     write in this design, whose reclamation is by epochs
//   bucket/shared + key string
//                     bucket/shared's lookup for string keys ('key:' + i), the key built and
//                     its bytes staged before each call, in a table shaped as sharemap's for
//                     string keys (320-byte buckets, the key's bytes in its slot): hash the
//                     bytes, load the tophash word, match it, compare the slot's key words, load
//                     the value (bench/bucket-floor-string.js). The floor of this design for target 6 on
//                     1M string reads, beside miss/shared + key string
//
// then `get` on sharemap and on Map with number keys, 1K and 1M entries, first while the map is
// the only one this thread has used, then after it used two: a thread with several maps reaches
// the core through call sites that have seen several instances (the call/... row above).
//
// Every loop is compiled separately for its case (`loopOver`), because a loop shared by the cases
// would itself be such a call site. The probe module (bench/probe-module.js) is written out byte
// by byte rather than compiled, so the bench needs no compiler and the measured code is exactly
// one load.

import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ConcurrentMap } from 'sharemap';
import { SEED } from './config.js';
import { mulberry32 } from './keys.js';
import { BUCKET_ROW, BUCKET_STRING_ROW, BUCKET_WRITE_ROW, BUCKET_PINNED_WRITE_ROW, MISS_ROW, MISS_STRING_ROW } from './targets.js';
import { sequence } from './workloads.js';
import { probeInstance, probeMemory } from './probe-module.js';
import { bucketFloor } from './bucket-floor.js';
import { STAGE_AT, stringBucketFloor } from './bucket-floor-string.js';

const PAGE = 65536;
/** Memory of the probe module: enough for the random-line case. */
const PAGES = 1024;
const RANDOM_BYTES = 64 << 20;
const CALLS = 1 << 20;
const ROUNDS = 9;

/** The probe module over a memory of its own, every page written (bench/probe-module.js). */
function probe(shared) {
  return probeInstance(probeMemory(PAGES, shared));
}

/**
 * A loop calling `target.method(args[i])` CALLS times, compiled afresh for each case: a loop
 * shared by every case would see several targets at one call site, and V8 then stops inlining
 * the call into Wasm, which costs more than anything measured here and hides the overlap of
 * memory accesses between calls.
 */
const loopOver = (target, method, args) => new Function('target', 'args', `return () => {
  let sink = 0;
  for (let i = 0; i < args.length; i++) sink += target.${method}(args[i]) ? 1 : 0;
  return sink;
}`)(target, args);

/** Median ns per call of `target.method(args[i])` over ROUNDS passes (after one warm-up pass). */
const nsPerCall = (target, method, args) => timed(loopOver(target, method, args), args.length);

/** Median ns per call of `pass()`, which makes `calls` calls, over ROUNDS passes after a warm-up. */
function timed(pass, calls) {
  const samples = [];
  let sink = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const start = performance.now();
    sink += pass();
    if (round > 0) samples.push(((performance.now() - start) * 1e6) / calls);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[samples.length >> 1], min: samples[0], max: samples[samples.length - 1], sink };
}

/**
 * The miss/shared loop with a fresh key string per call, the string's length (5 to 10 for
 * i < 1M; & 0x38 makes that 0 or 8) added to the address so the load waits for the string, as
 * a lookup's bucket waits for its key's hash.
 */
function missWithString(target, lines, random) {
  const indices = new Uint32Array(lines.length);
  for (let i = 0; i < indices.length; i++) indices[i] = Math.floor(random() * 1_000_000);
  return new Function('target', 'lines', 'indices', `return () => {
    let sink = 0;
    for (let i = 0; i < lines.length; i++) {
      const key = 'key:' + indices[i];
      sink += target.load(lines[i] + (key.length & 0x38)) ? 1 : 0;
    }
    return sink;
  }`)(target, lines, indices);
}

/**
 * The bucket-write/shared rows: part 2's zipfian churn on 1M entries, one write per operation,
 * bare and between an epoch pin and unpin (bench/bucket-floor.js pinnedWrite).
 */
function bucketWrites() {
  const len = 1_000_000;
  const { keys } = sequence({ op: 'churn', dist: 'zipf', len }, CALLS, SEED);
  const writes = bucketFloor(len, new Set(keys));
  const shape = `zipfian churn on 1M keys in 2^${writes.b} buckets shaped as sharemap's: hash, tophash word, slot, atomic add`;
  return [
    { name: `${BUCKET_WRITE_ROW} (${shape})`, ...nsPerCall(writes.exports, 'write', keys) },
    { name: `${BUCKET_PINNED_WRITE_ROW} (the same, between an epoch pin and unpin: two SC stores)`,
      ...nsPerCall(writes.exports, 'pinnedWrite', keys) },
  ];
}

/**
 * The bucket/shared + key string row: a hit among 1M string keys ('key:' + i), the key built and
 * its bytes staged before each call, as the throughput bench builds every key and the facade
 * stages a short one (bench/bucket-floor-string.js).
 */
function bucketStringLookups() {
  const random = mulberry32(SEED ^ 0x5717);
  const floor = stringBucketFloor(1_000_000);
  const indices = new Uint32Array(CALLS);
  for (let i = 0; i < CALLS; i++) indices[i] = floor.placed[Math.floor(random() * floor.placed.length)];
  const pass = new Function('target', 'bytes', 'indices', 'STAGE', `return () => {
    let sink = 0;
    for (let i = 0; i < indices.length; i++) {
      const key = 'key:' + indices[i];
      for (let j = 0; j < key.length; j++) bytes[STAGE + j] = key.charCodeAt(j);
      sink += target.lookup(key.length) > 0 ? 1 : 0;
    }
    return sink;
  }`)(floor.exports, new Uint8Array(floor.memory.buffer), indices, STAGE_AT);
  return { name: `${BUCKET_STRING_ROW} ('key:' + i built and staged per call, a hit among 1M string keys in 2^${floor.b} buckets shaped as sharemap's: hash of the bytes, tophash word, slot)`,
    ...timed(pass, CALLS) };
}

/** A number map of `len` entries (keys 0..len-1), ours and a JS Map, with random keys to look up. */
async function maps(len, random) {
  const ours = await ConcurrentMap.create({ key: 'number', value: 'number' });
  const map = new Map();
  for (let i = 0; i < len; i++) {
    ours.set(i, i);
    map.set(i, i);
  }
  const keys = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) keys[i] = Math.floor(random() * len);
  return { ours, map, keys };
}

/** Part 4's measurements, in a thread that has used no map before (see runCallCost). */
async function measure() {
  const random = mulberry32(SEED ^ 0xca11);
  const cached = new Uint32Array(CALLS).fill(PAGE); // one address: always in L1
  const lines = new Uint32Array(CALLS);
  for (let i = 0; i < CALLS; i++) lines[i] = PAGE + Math.floor(random() * ((RANDOM_BYTES - PAGE) / 64)) * 64;
  const nonShared = probe(false);
  const shared = probe(true);
  const rows = [
    { name: 'call/non-shared (one cached i32.load)', ...nsPerCall(nonShared, 'load', cached) },
    { name: 'call/shared (one cached i32.load)', ...nsPerCall(shared, 'load', cached) },
    { name: `${MISS_ROW} (one random line of 64 MiB)`, ...nsPerCall(shared, 'load', lines) },
    { name: `${MISS_STRING_ROW} ('key:' + i built per call, i < 1M)`, ...timed(missWithString(shared, lines, random), CALLS) },
  ];
  const buckets = bucketFloor(1_000_000);
  const hits = new Uint32Array(CALLS);
  for (let i = 0; i < CALLS; i++) hits[i] = buckets.placed[Math.floor(random() * buckets.placed.length)];
  rows.push({ name: `${BUCKET_ROW} (a hit among 1M keys in 2^${buckets.b} buckets shaped as sharemap's: hash, tophash word, slot)`,
    ...nsPerCall(buckets.exports, 'lookup', hits) });
  rows.push(...bucketWrites());
  rows.push(bucketStringLookups());
  // One loop whose call site has seen two instances of the same module, as the facade's call
  // sites do in a thread that uses two maps (each map has its own instance).
  const either = new Function('args', `return (target) => {
    let sink = 0;
    for (let i = 0; i < args.length; i++) sink += target.load(args[i]) ? 1 : 0;
    return sink;
  }`)(cached);
  const second = probe(true);
  for (let round = 0; round < 3; round++) either(second);
  rows.push({ name: 'call/shared, a call site that saw 2 instances', ...timed(() => either(shared), cached.length) });

  const small = await maps(1000, random);
  const large = await maps(1_000_000, random);
  for (const [len, m] of [[1000, small], [1_000_000, large]]) {
    rows.push({ name: `sharemap get, len=${len}, the thread's only map`, ...nsPerCall(m.ours, 'get', m.keys) });
    rows.push({ name: `Map get, len=${len}`, ...nsPerCall(m.map, 'get', m.keys) });
  }
  // Now the facade's own call sites into the core have seen both maps' instances.
  for (const [len, m] of [[1000, small], [1_000_000, large]]) {
    rows.push({ name: `sharemap get, len=${len}, after the thread used 2 maps`, ...nsPerCall(m.ours, 'get', m.keys) });
  }
  small.ours.close();
  large.ours.close();
  return rows;
}

/**
 * Runs part 4 in a new worker thread: parts 1-3 used many maps in this thread, and the facade's
 * call sites would carry that history (the last rows show what it costs). `progress` gets a line.
 */
export function runCallCost(progress) {
  progress('part 4: call cost (in a fresh worker thread)');
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { callCost: true } });
    worker.once('message', (rows) => {
      resolve(rows);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`part 4 worker exited with code ${code} before reporting`)));
  });
}

if (!isMainThread && workerData?.callCost) parentPort.postMessage(await measure());
