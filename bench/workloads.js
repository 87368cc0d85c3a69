// The cross-thread workloads: what each one does, what a map holds before it starts, and the
// seeded operation sequence one worker walks through. Shared by the main thread (which fills the
// shared structures) and every worker (bench/tasks/*.mjs), so all implementations see the same
// contents and, for the same worker index, the same operations on the same keys in the same order.
//
//   read        100% get of present keys
//   read-heavy  90% get / 10% set overwriting a present key
//   balanced    50% get / 50% set overwriting a present key
//   churn       pairs: insert a key drawn from [len, 2*len), and delete the key this worker
//               inserted CHURN_LAG pairs earlier; the map starts with [0, len), so its size stays
//               near len (at most len + CHURN_LAG per thread)
//   counter     add(key, 1) on present keys (shared counters)
//
// Keys are drawn with the workload's distribution (bench/keys.js indexDrawer). Number keys are the
// integers themselves; string keys are stringKey(i), built fresh at each operation by the loop.

import { indexDrawer, stringKey } from './keys.js';

/** Operation codes in a sequence's `ops` array. */
export const GET = 0;
export const SET = 1;
export const DELETE = 2;
export const ADD = 3;

export const WORKLOAD_OPS = ['read', 'read-heavy', 'balanced', 'churn', 'counter'];

/** Share of sets among the non-churn mixes; the rest are gets. */
const SET_SHARE = { read: 0, 'read-heavy': 0.1, balanced: 0.5 };

/** Pairs between a churn insert and the delete of the same key. */
export const CHURN_LAG = 32;

/** `read/key=number/dist=uniform/len=1000`; the throughput rows append `/threads=N`. */
export const workloadName = ({ op, key, dist, len }) => `${op}/key=${key}/dist=${dist}/len=${len}`;

/** The key object for index i, as the map stores it. */
export const keyOf = (kind, i) => (kind === 'string' ? stringKey(i) : i);

/** Entries present before timing: keys [0, len), value i for key i. */
export function populate(setter, { key, len }) {
  for (let i = 0; i < len; i++) setter(keyOf(key, i), i);
}

/**
 * One worker's sequence: `length` operations (`ops`, codes above) on key indices (`keys`).
 * Seeded, so the same (workload, seed) gives the same sequence in every implementation.
 * Preconditions: length is even and a power of two (the loops walk it cyclically with a mask).
 */
export function sequence({ op, dist, len }, length, seed) {
  const ops = new Uint8Array(length);
  const keys = new Uint32Array(length);
  const draw = indexDrawer(dist, len, seed);
  if (op === 'churn') {
    const pairs = length / 2;
    const inserted = new Uint32Array(pairs);
    for (let p = 0; p < pairs; p++) inserted[p] = len + draw();
    for (let p = 0; p < pairs; p++) {
      ops[2 * p] = SET;
      keys[2 * p] = inserted[p];
      ops[2 * p + 1] = DELETE;
      // Cyclic: the first deletes remove what the end of the previous pass inserted.
      keys[2 * p + 1] = inserted[(p - CHURN_LAG + pairs) % pairs];
    }
    return { ops, keys };
  }
  if (op === 'counter') {
    ops.fill(ADD);
    for (let i = 0; i < length; i++) keys[i] = draw();
    return { ops, keys };
  }
  const setShare = SET_SHARE[op];
  if (setShare === undefined) throw new Error(`unknown workload ${op}`);
  // A second stream for the mix, so the keys are the same whatever the share of sets.
  const mix = indexDrawer('uniform', 1 << 30, seed ^ 0x6d1c);
  for (let i = 0; i < length; i++) {
    keys[i] = draw();
    ops[i] = mix() < setShare * (1 << 30) ? SET : GET;
  }
  return { ops, keys };
}

/**
 * Runs operations `at` .. `at + count - 1` of a sequence (indices wrap: the sequence's length is
 * a power of two) on `target`, which has get, set, delete and add(key, delta) like a Map. String
 * keys are built fresh at every operation, as a program looking up computed keys does. Returns a
 * sum of the results, for the caller's sink, so that no operation is dead code. The one timed loop
 * of bench/tasks/throughput.mjs and of the demo page's workers (demo/bench-worker.js), so both
 * measure the same thing.
 */
export function runOperations(target, ops, keys, strings, at, count) {
  const mask = keys.length - 1;
  let sink = 0;
  for (let j = 0; j < count; j++) {
    const i = (at + j) & mask;
    const k = keys[i];
    const key = strings ? 'key:' + k : k;
    switch (ops[i]) {
      case GET: {
        const v = target.get(key);
        if (v !== undefined) sink += v;
        break;
      }
      case SET:
        target.set(key, j);
        sink += 1;
        break;
      case DELETE:
        if (target.delete(key)) sink += 1;
        break;
      case ADD:
        sink += target.add(key, 1);
        break;
    }
  }
  return sink;
}

/**
 * The JS Map baseline as a target of runOperations, with add() written the way a program would:
 * get, then set. Shared by the harness and the demo page, so both time the same baseline.
 */
export class JsMapTarget {
  map = new Map();
  get(k) {
    return this.map.get(k);
  }
  set(k, v) {
    this.map.set(k, v);
    return this;
  }
  delete(k) {
    return this.map.delete(k);
  }
  add(k, delta) {
    const next = (this.map.get(k) ?? 0) + delta;
    this.map.set(k, next);
    return next;
  }
  close() {}
}
