// The memory check (the roadmap's target 7: churn must not leak): on one thread, fill a map with
// [0, len), then run the churn workload (bench/workloads.js: insert keys from [len, 2*len) and
// delete them CHURN_LAG pairs later) for `operations` operations, and compare stats() after
// filling and after churning. memoryReserved is the shared memory's size (it never shrinks),
// memoryUsed what its allocator has handed out. A ratio near 1 means deleted entries' space is
// reused; one that grows with `operations` is a leak. Number and string keys both run: string
// keys live in blobs the allocator must free and reuse.

import { ConcurrentMap } from 'sharemap';
import { memory as params, SEED } from './config.js';
import { DELETE, keyOf, populate, sequence, workloadName } from './workloads.js';

/** Sequence length: the smallest power of two >= operations (the sequence is walked once). */
function sequenceLength(operations) {
  let n = 2;
  while (n < operations) n *= 2;
  return n;
}

async function check(key, progress) {
  const workload = { op: 'churn', key, dist: 'uniform', len: params.len };
  const map = await ConcurrentMap.create({ key, value: 'number', initialCapacity: params.len });
  try {
    populate((k, v) => map.set(k, v), workload);
    const filled = map.stats();
    const { ops, keys } = sequence(workload, sequenceLength(params.operations), SEED);
    let sink = 0;
    for (let i = 0; i < params.operations; i++) {
      const k = keyOf(key, keys[i]);
      if (ops[i] === DELETE) sink += map.delete(k) ? 1 : 0;
      else map.set(k, i);
    }
    const churned = map.stats();
    progress(`memory: ${workloadName(workload)}, ${params.operations} operations done`);
    const pick = (s) => ({ size: s.size, memoryReserved: s.memoryReserved, memoryUsed: s.memoryUsed,
      buckets: s.buckets, overflowBuckets: s.overflowBuckets });
    return {
      name: `${workloadName(workload)}/ops=${params.operations}`,
      filled: pick(filled),
      churned: pick(churned),
      reservedRatio: churned.memoryReserved / filled.memoryReserved,
      usedRatio: churned.memoryUsed / filled.memoryUsed,
      sink,
    };
  } finally {
    map.close();
  }
}

export async function runMemory(progress) {
  return [await check('number', progress), await check('string', progress)];
}
