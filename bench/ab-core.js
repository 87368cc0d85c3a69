// A/B comparison of two builds of the core, for work on the core's speed:
//
//   node bench/ab-core.js path/to/candidate.wasm [op] [len]
//
// compares `op` (get, has; default has) on number keys between build/sharemap.wasm (A) and the
// candidate (B) on a map of `len` entries (default 1000000). Our machines are shared, and the
// same build timed in two processes differed by 30% and more; so both builds are instantiated
// in one process over one map's memory (they must share LAYOUT_VERSION) and timed in alternating
// passes over the same random keys, and the report is the median of the per-pair ratios B/A,
// which stayed within 2% of 1 for two copies of one build. Build a candidate with, e.g.,
//   npx asc assembly/index.ts --target release -o /tmp/candidate.wasm

import { readFileSync } from 'node:fs';
import { ConcurrentMap } from 'sharemap';
import { KEY_KINDS, VALUE_KINDS } from '../dist/codec.js';
import { mulberry32 } from './keys.js';
import { SEED } from './config.js';

const [candidate, op = 'has', lenArg = '1000000'] = process.argv.slice(2);
if (!candidate || !['get', 'has'].includes(op)) {
  console.error('usage: node bench/ab-core.js candidate.wasm [get|has] [len]');
  process.exit(2);
}
const len = Number(lenArg);
const PASS = 1 << 20;
const PAIRS = 15;

const map = await ConcurrentMap.create({ key: 'number', value: 'number', maxMemory: 1 << 30 });
for (let i = 0; i < len; i++) map.set(i, i);
const { memory } = map.handle;

/** Instantiates a build over the map's memory as one more thread, like attach does. */
function instance(file) {
  let words = new Int32Array(memory.buffer);
  const waitLock = (address, expected) => {
    if (address >> 2 >= words.length) words = new Int32Array(memory.buffer);
    Atomics.wait(words, address >> 2, expected);
  };
  const abort = () => { throw new Error(`${file}: broken invariant`); };
  const exports = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)),
    { env: { memory, waitLock, abort } }).exports;
  const slot = exports.attach(0, KEY_KINDS.indexOf('number'), VALUE_KINDS.indexOf('number'));
  if (slot < 0) throw new Error(`${file} cannot attach to the map (status ${slot}): another layout version?`);
  return exports;
}

const random = mulberry32(SEED);
const keys = new Float64Array(PASS);
for (let i = 0; i < PASS; i++) keys[i] = Math.floor(random() * len);

// One function per build, so each call site sees one instance and stays monomorphic.
const pass = (exports) => new Function('x', 'keys', `return () => {
  let sink = 0;
  for (let i = 0; i < keys.length; i++) sink += x.${op}(keys[i]);
  return sink;
}`)(exports, keys);
const runs = { A: pass(instance(new URL('../build/sharemap.wasm', import.meta.url))), B: pass(instance(candidate)) };

const ns = { A: [], B: [] };
let sink = 0;
for (let pair = 0; pair < PAIRS; pair++) {
  // Alternate which goes first, so neither always runs on a cache the other warmed.
  for (const side of pair % 2 ? ['A', 'B'] : ['B', 'A']) {
    const start = performance.now();
    sink += runs[side]();
    ns[side].push(((performance.now() - start) * 1e6) / PASS);
  }
}
const sorted = (values) => values.slice().sort((a, b) => a - b);
const median = (values) => sorted(values)[values.length >> 1];
const ratios = sorted(ns.A.map((a, i) => ns.B[i] / a));
const q = (p) => ratios[Math.floor(p * (ratios.length - 1))].toFixed(3);
console.log(`${op}, number keys, len=${len}, ${PAIRS} pairs of ${PASS} calls (sink ${sink % 10})`);
console.log(`A build/sharemap.wasm  median ${median(ns.A).toFixed(1)} ns/op`);
console.log(`B ${candidate}  median ${median(ns.B).toFixed(1)} ns/op`);
console.log(`B/A per pair: median ${q(0.5)} (p25 ${q(0.25)}, p75 ${q(0.75)}); below 1: B is faster`);
