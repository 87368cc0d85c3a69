// Part 4 of `npm run bench`: what one call into Wasm costs on this runtime, measured beside
// sharemap and Map, so that the report shows which share of a single-thread operation is outside
// our control. Every sharemap operation is one call into a module that imports a *shared*
// memory; V8 (Node 20) charges such calls more than calls into a module over a non-shared
// memory. A module smaller than any map (one export, one load) measures that charge alone:
//
//   call/non-shared  ns per call of `load(i)` with an imported non-shared memory, cached address
//   call/shared      the same with an imported shared memory (what sharemap's core is)
//   miss/shared      the shared case with a random cache line of a 64 MiB region per call:
//                    the floor of one memory access per call, with calls overlapping freely
//
// next to `has` on sharemap and `Map.has`, both on 1K and 1M number keys. The module is written
// out byte by byte below rather than compiled, so the bench needs no compiler and the measured
// code is exactly one i32.load.

import { ConcurrentMap } from 'sharemap';
import { SEED } from './config.js';
import { mulberry32 } from './keys.js';

const PAGE = 65536;
/** Memory of the probe module: enough for the random-line case. */
const PAGES = 1024;
const RANDOM_BYTES = 64 << 20;
const CALLS = 1 << 20;
const ROUNDS = 9;

/** Unsigned LEB128, as the Wasm binary format encodes sizes and limits. */
function leb(n) {
  const bytes = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (n !== 0);
  return bytes;
}

const section = (id, body) => [id, ...leb(body.length), ...body];
const name = (text) => [...leb(text.length), ...Buffer.from(text)];

/** `(module (import "env" "memory" (memory PAGES PAGES [shared])) (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))` */
function probeModule(shared) {
  const limits = [shared ? 0x03 : 0x01, ...leb(PAGES), ...leb(PAGES)]; // 0x01: has max; 0x02: shared
  const body = [0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b]; // no locals; local.get 0; i32.load; end
  return new WebAssembly.Module(new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]),
    ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, ...limits]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name('load'), 0x00, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]));
}

function probe(shared) {
  const memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared });
  // Touch every page so the random case measures memory, not first-touch page faults.
  new Uint8Array(memory.buffer).fill(1);
  return new WebAssembly.Instance(probeModule(shared), { env: { memory } }).exports.load;
}

/** Median ns per call of `call(args[i])` over ROUNDS passes of CALLS calls (after one warm-up pass). */
function nsPerCall(call, args) {
  const samples = [];
  let sink = 0;
  for (let round = 0; round <= ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) sink += call(args[i]) ? 1 : 0;
    if (round > 0) samples.push(((performance.now() - start) * 1e6) / CALLS);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[samples.length >> 1], min: samples[0], max: samples[samples.length - 1], sink };
}

async function mapCases(len, random) {
  const ours = await ConcurrentMap.create({ key: 'number', value: 'number' });
  const map = new Map();
  for (let i = 0; i < len; i++) {
    ours.set(i, i);
    map.set(i, i);
  }
  const keys = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) keys[i] = Math.floor(random() * len);
  const result = [
    { name: `sharemap has, 1 call/op, len=${len}`, ...nsPerCall((k) => ours.has(k), keys) },
    { name: `Map has, len=${len}`, ...nsPerCall((k) => map.has(k), keys) },
  ];
  ours.close();
  return result;
}

/** Runs part 4; `progress` gets a line per case. */
export async function runCallCost(progress) {
  const random = mulberry32(SEED ^ 0xca11);
  const cached = new Uint32Array(CALLS).fill(PAGE); // one address: always in L1
  const lines = new Uint32Array(CALLS);
  for (let i = 0; i < CALLS; i++) lines[i] = PAGE + Math.floor(random() * ((RANDOM_BYTES - PAGE) / 64)) * 64;
  const nonShared = probe(false);
  const shared = probe(true);
  const rows = [];
  progress('part 4: call cost');
  rows.push({ name: 'call/non-shared (one cached i32.load)', ...nsPerCall(nonShared, cached) });
  rows.push({ name: 'call/shared (one cached i32.load)', ...nsPerCall(shared, cached) });
  rows.push({ name: 'miss/shared (one random line of 64 MiB)', ...nsPerCall(shared, lines) });
  for (const len of [1000, 1_000_000]) {
    progress(`part 4: has, len=${len}`);
    rows.push(...(await mapCases(len, random)));
  }
  return rows;
}
