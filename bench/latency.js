// Part 1: single-thread latency with tinybench. Each case runs the same operation on our
// ConcurrentMap and on a JS Map (the baseline), filled the same way and fed the same precomputed
// random indices in the same order. One tinybench iteration runs `batchOps` operations and
// reports (batch time) / batchOps through `overriddenDuration`, so every sample is the cost of one
// operation averaged over a batch; p25/p50/p75 are taken over those samples, pooled over the
// rounds described at runLatency.
//
// Each case writes its two loops out separately (not one loop over either map) so each call site
// sees only one map class, as it would in a program that uses one of them.

import { Bench } from 'tinybench';
import { ConcurrentMap } from 'sharemap';
import { latency as params, SEED } from './config.js';
import { indexSequence, stringKey } from './keys.js';
import { quantile } from './report.js';
import { cpuShareSince } from './cpu.js';

const BATCH = params.batchOps;
const INDEX_MASK = params.indexLength - 1;

/** Results of every lookup go here, so no loop is dead code; run.js records the total. */
let sink = 0;
export const sinkValue = () => sink;

/** Hands out the start of the next batch in an index array, wrapping around. */
function cursor() {
  let at = 0;
  return () => {
    const base = at;
    at = (at + BATCH) & INDEX_MASK;
    return base;
  };
}

async function numberMaps(len, value = (i) => i) {
  const ours = await ConcurrentMap.create({ key: 'number', value: 'number', initialCapacity: len });
  const map = new Map();
  for (let i = 0; i < len; i++) {
    ours.set(i, value(i));
    map.set(i, value(i));
  }
  return { ours, map };
}

async function stringMaps(len) {
  const ours = await ConcurrentMap.create({ key: 'string', value: 'number', initialCapacity: len });
  const map = new Map();
  for (let i = 0; i < len; i++) {
    ours.set(stringKey(i), i);
    map.set(stringKey(i), i);
  }
  return { ours, map };
}

// A case: its name (the dimensions, see bench/README.md), and prepare(), which builds both maps
// and returns one batch function for each plus close().

const getNumberHit = (len) => ({
  name: `get/key=number/len=${len}/hit`,
  async prepare() {
    const idx = indexSequence(len, params.indexLength, SEED);
    const { ours, map } = await numberMaps(len);
    const oursAt = cursor();
    const mapAt = cursor();
    return {
      ours() {
        const base = oursAt();
        let s = 0;
        for (let j = 0; j < BATCH; j++) s += ours.get(idx[base + j]);
        sink += s;
      },
      map() {
        const base = mapAt();
        let s = 0;
        for (let j = 0; j < BATCH; j++) s += map.get(idx[base + j]);
        sink += s;
      },
      close: () => ours.close(),
    };
  },
});

const getStringHit = (len) => ({
  name: `get/key=string/len=${len}/hit`,
  async prepare() {
    const idx = indexSequence(len, params.indexLength, SEED);
    const { ours, map } = await stringMaps(len);
    const oursAt = cursor();
    const mapAt = cursor();
    return {
      // 'key:' + i builds a new string per lookup, as a program looking up computed keys does,
      // rather than reusing the inserted string objects (whose hashes V8 has cached).
      ours() {
        const base = oursAt();
        let s = 0;
        for (let j = 0; j < BATCH; j++) s += ours.get('key:' + idx[base + j]);
        sink += s;
      },
      map() {
        const base = mapAt();
        let s = 0;
        for (let j = 0; j < BATCH; j++) s += map.get('key:' + idx[base + j]);
        sink += s;
      },
      close: () => ours.close(),
    };
  },
});

const getNumberMiss = (len) => ({
  name: `get/key=number/len=${len}/miss`,
  async prepare() {
    const idx = indexSequence(len, params.indexLength, SEED);
    const { ours, map } = await numberMaps(len);
    const oursAt = cursor();
    const mapAt = cursor();
    return {
      // Keys len..2*len-1: absent, and as many distinct ones as the hit case uses.
      ours() {
        const base = oursAt();
        let misses = 0;
        for (let j = 0; j < BATCH; j++) if (ours.get(len + idx[base + j]) === undefined) misses++;
        sink += misses;
      },
      map() {
        const base = mapAt();
        let misses = 0;
        for (let j = 0; j < BATCH; j++) if (map.get(len + idx[base + j]) === undefined) misses++;
        sink += misses;
      },
      close: () => ours.close(),
    };
  },
});

const setUpdate = (len) => ({
  name: `set/key=number/len=${len}/update`,
  async prepare() {
    const idx = indexSequence(len, params.indexLength, SEED);
    const { ours, map } = await numberMaps(len);
    const oursAt = cursor();
    const mapAt = cursor();
    return {
      ours() {
        const base = oursAt();
        for (let j = 0; j < BATCH; j++) ours.set(idx[base + j], base + j);
      },
      map() {
        const base = mapAt();
        for (let j = 0; j < BATCH; j++) map.set(idx[base + j], base + j);
      },
      close() {
        sink += ours.size + map.size;
        ours.close();
      },
    };
  },
});

const addCounter = (len) => ({
  name: `add/key=number/len=${len}`,
  async prepare() {
    const idx = indexSequence(len, params.indexLength, SEED);
    const { ours, map } = await numberMaps(len, () => 0);
    const oursAt = cursor();
    const mapAt = cursor();
    return {
      // Ours is one atomic read-modify-write; the Map baseline is the usual get-then-set.
      ours() {
        const base = oursAt();
        let s = 0;
        for (let j = 0; j < BATCH; j++) s += ours.add(idx[base + j], 1);
        sink += s;
      },
      map() {
        const base = mapAt();
        let s = 0;
        for (let j = 0; j < BATCH; j++) {
          const k = idx[base + j];
          const next = (map.get(k) ?? 0) + 1;
          map.set(k, next);
          s += next;
        }
        sink += s;
      },
      close: () => ours.close(),
    };
  },
});

const churn = (len) => ({
  name: `delete+set churn/key=number/len=${len}`,
  async prepare() {
    const idx = indexSequence(len, params.indexLength, SEED);
    const { ours, map } = await numberMaps(len);
    const oursAt = cursor();
    const mapAt = cursor();
    return {
      // One operation = one delete of a present key and the set that puts it back.
      ours() {
        const base = oursAt();
        let deleted = 0;
        for (let j = 0; j < BATCH; j++) {
          const k = idx[base + j];
          if (ours.delete(k)) deleted++;
          ours.set(k, j);
        }
        sink += deleted;
      },
      map() {
        const base = mapAt();
        let deleted = 0;
        for (let j = 0; j < BATCH; j++) {
          const k = idx[base + j];
          if (map.delete(k)) deleted++;
          map.set(k, j);
        }
        sink += deleted;
      },
      close: () => ours.close(),
    };
  },
});

export function latencyCases() {
  return [
    ...params.getLens.map(getNumberHit),
    ...params.getLens.map(getStringHit),
    getNumberMiss(1_000_000),
    setUpdate(1000),
    addCounter(1000),
    churn(1000),
  ];
}

/** Wraps a batch so tinybench records the per-operation time (see the top of this file). */
function perOperation(batch) {
  return () => {
    const start = performance.now();
    batch();
    const elapsedMs = performance.now() - start;
    return { overriddenDuration: elapsedMs / BATCH, overriddenIterationCost: elapsedMs };
  };
}

/**
 * tinybench hooks that record the thread's CPU share over a task's timed phase (see cpu.js):
 * below 1 means this thread was descheduled for part of it, and its numbers are suspect.
 */
function cpuShareHooks(onShare) {
  let end;
  return {
    beforeAll(mode) {
      if (mode === 'run') end = cpuShareSince();
    },
    afterAll(mode) {
      if (mode === 'run') onShare(end());
    },
  };
}

/** The per-operation samples (ms, ascending) of a finished tinybench task. */
function samplesOf(task) {
  const result = task.result;
  if (result.state !== 'completed') {
    throw new Error(`tinybench task ${task.name} ended as ${result.state}: ${result.error?.message ?? ''}`);
  }
  return result.latency.samples;
}

/** Statistics over the pooled samples of every round, in ns per operation. */
function summarize(samplesMs, shares) {
  const sorted = Float64Array.from(samplesMs).sort();
  const ns = (ms) => ms * 1e6;
  return {
    p50: ns(quantile(sorted, 0.5)),
    p25: ns(quantile(sorted, 0.25)),
    p75: ns(quantile(sorted, 0.75)),
    min: ns(sorted[0]),
    max: ns(sorted[sorted.length - 1]),
    mean: ns(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    samples: sorted.length,
    // The rounds are equally long, so their mean is the share over the whole timed time.
    cpuShare: shares.includes(null) ? null : shares.reduce((a, b) => a + b, 0) / shares.length,
  };
}

const IMPL_LABELS = { map: 'Map', ours: 'sharemap' };

/**
 * Runs every case, one at a time so only one case's maps are alive (a 1M-entry Map enlarges the
 * heap, which would slow the garbage collector in the others). A case's time is split into
 * `rounds` tinybench runs that alternate which map goes first, and their samples are pooled:
 * on a shared machine, a slow spell (another process on the core or on its sibling, or
 * competing for the cache) then lands on both maps rather than on one, which keeps the ratio
 * fair. Warm-up runs in the first round only.
 */
export async function runLatency(progress) {
  const cases = latencyCases();
  const rows = [];
  for (const [i, c] of cases.entries()) {
    progress(`latency ${i + 1}/${cases.length} ${c.name}: building both maps`);
    const fns = await c.prepare();
    const samples = { map: [], ours: [] };
    const shares = { map: [], ours: [] };
    for (let round = 0; round < params.rounds; round++) {
      const order = round % 2 === 0 ? ['map', 'ours'] : ['ours', 'map'];
      progress(`latency ${i + 1}/${cases.length} ${c.name}: round ${round + 1}/${params.rounds}, ` +
        `timing ${order.map((impl) => IMPL_LABELS[impl]).join(' then ')}`);
      const bench = new Bench({
        name: c.name,
        time: params.timeMs / params.rounds,
        warmup: round === 0,
        warmupTime: params.warmupMs,
        retainSamples: true,
        throws: true,
      });
      for (const impl of order) {
        bench.add(`${c.name} [${IMPL_LABELS[impl]}]`, perOperation(fns[impl]),
          { async: false, ...cpuShareHooks((share) => shares[impl].push(share)) });
      }
      await bench.run();
      for (const impl of order) {
        for (const sample of samplesOf(bench.getTask(`${c.name} [${IMPL_LABELS[impl]}]`))) samples[impl].push(sample);
      }
    }
    fns.close();
    const map = summarize(samples.map, shares.map);
    const ours = summarize(samples.ours, shares.ours);
    rows.push({ name: c.name, ours, map, ratio: ours.p50 / map.p50 });
  }
  return rows;
}
