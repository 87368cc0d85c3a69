// A/B comparison of two builds of the whole package (facade and core), for work on their speed:
//
//   node bench/ab-facade.js dirA dirB [plain|harness] [len] [number|string] [get|set|add|balanced|churn|zchurn]
//
// dirA and dirB are package roots with a built dist/ and build/ (e.g. a `git worktree` of the
// old commit, and this checkout, each after `npm run build`). Each creates its own map of `len`
// entries (default 1000000) with number keys, or string keys built fresh per lookup as the
// harness builds them (`'key:' + i`), and gets run in alternating passes over the same random keys,
// from a loop compiled separately for each side so that no call site sees both builds. `plain`
// (default) is a bare get loop; `harness` is shaped like bench/tasks/throughput.mjs (a switch over
// get/set/delete/add), in which V8 inlines differently: a change can help one and not the other.
// The mix (default get) is the share of each operation: `set` overwrites present keys, `add`
// bumps them, `balanced` is half get and half set as the harness's workload of that name.
// `churn` is the harness's workload of that name on uniform keys (bench/workloads.js): inserts of
// keys in [len, 2*len) and deletes of the key inserted CHURN_LAG pairs before; `zchurn` is the
// same on zipfian keys (target 5's workload).
// `plain` runs get alone, so the other mixes need `harness`.
// The report is the median of the per-pair ratios B/A (bench/ab-core.js says why).

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mulberry32 } from './keys.js';
import { SEED } from './config.js';
import { sequence } from './workloads.js';

const [dirA, dirB, shape = 'plain', lenArg = '1000000', keyKind = 'number', mix = 'get'] = process.argv.slice(2);
const MIXES = { get: [0], set: [1], add: [3], balanced: [0, 1], churn: null, zchurn: null };
if (!dirA || !dirB || !['plain', 'harness'].includes(shape) || !['number', 'string'].includes(keyKind) ||
    !(mix in MIXES) || (shape === 'plain' && mix !== 'get')) {
  console.error('usage: node bench/ab-facade.js dirA dirB [plain|harness] [len] [number|string] [get|set|add|balanced|churn|zchurn]');
  console.error('       (mixes other than get need the harness loop)');
  process.exit(2);
}
const len = Number(lenArg);
const PASS = 1 << 20;
const PAIRS = 15;

const random = mulberry32(SEED);
let keys = new Uint32Array(PASS);
for (let i = 0; i < PASS; i++) keys[i] = Math.floor(random() * len);
let ops = new Uint8Array(PASS); // 0 get, 1 set, 2 delete, 3 add: the cases of LOOPS.harness
if (mix === 'churn' || mix === 'zchurn') {
  ({ ops, keys } = sequence({ op: 'churn', dist: mix === 'zchurn' ? 'zipf' : 'uniform', len }, PASS, SEED));
} else for (let i = 0; i < PASS; i++) ops[i] = MIXES[mix][Math.floor(random() * MIXES[mix].length)];

const KEY = keyKind === 'string' ? "'key:' + keys[i]" : 'keys[i]';
const LOOPS = {
  plain: `let sink = 0;
    for (let i = 0; i < keys.length; i++) { const v = map.get(${KEY}); if (v !== undefined) sink += v; }
    return sink;`,
  harness: `let sink = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = ${KEY};
      switch (ops[i]) {
        case 0: { const v = map.get(k); if (v !== undefined) sink += v; break; }
        case 1: map.set(k, i); sink += 1; break;
        case 2: if (map.delete(k)) sink += 1; break;
        case 3: sink += map.add(k, 1); break;
      }
    }
    return sink;`,
};

async function side(dir) {
  const url = pathToFileURL(resolve(dir, 'dist/node.js')).href;
  const { ConcurrentMap } = await import(url);
  const map = await ConcurrentMap.create({ key: keyKind, value: 'number', maxMemory: 1 << 30 });
  for (let i = 0; i < len; i++) map.set(keyKind === 'string' ? 'key:' + i : i, i);
  // The map is passed in at every pass, as the harness passes its target, not captured: V8
  // compiles a captured map as a constant and then folds loads of its fields, which the
  // harness's code (and most programs') never gets.
  const loop = new Function('keys', 'ops', `return (map) => { ${LOOPS[shape]} };`)(keys, ops);
  return () => loop(map);
}

const runs = { A: await side(dirA), B: await side(dirB) };
const ns = { A: [], B: [] };
let sink = 0;
for (let pair = 0; pair < PAIRS; pair++) {
  for (const name of pair % 2 ? ['A', 'B'] : ['B', 'A']) {
    const start = performance.now();
    sink += runs[name]();
    ns[name].push(((performance.now() - start) * 1e6) / PASS);
  }
}
const sorted = (values) => values.slice().sort((a, b) => a - b);
const median = (values) => sorted(values)[values.length >> 1];
const ratios = sorted(ns.A.map((a, i) => ns.B[i] / a));
const q = (p) => ratios[Math.floor(p * (ratios.length - 1))].toFixed(3);
console.log(`${mix}, ${shape} loop, ${keyKind} keys, len=${len}, ${PAIRS} pairs of ${PASS} calls (sink ${sink % 10})`);
console.log(`A ${dirA}  median ${median(ns.A).toFixed(1)} ns/op`);
console.log(`B ${dirB}  median ${median(ns.B).toFixed(1)} ns/op`);
console.log(`B/A per pair: median ${q(0.5)} (p25 ${q(0.25)}, p75 ${q(0.75)}); below 1: B is faster`);
