// The owner of the postMessage baselines (bench/baselines/postmessage.js): fills a JS Map like
// the shared one, posts 'ready' to the main thread, then answers every client on its own port.
// A message is either one operation, [op, key, value], answered with its result, or a batch,
// { ops: Uint8Array, keys: Array, values: Array }, answered with a Float64Array of results.
// Results are what the shared map returns: the value (NaN for a miss), 1/0 for set and delete,
// the new count for add.

import { parentPort, workerData } from 'node:worker_threads';
import { ADD, DELETE, GET, SET, populate } from '../workloads.js';

const map = new Map();
populate((k, v) => map.set(k, v), workerData.workload);

function apply(op, key, value) {
  switch (op) {
    case GET:
      return map.get(key) ?? NaN;
    case SET:
      map.set(key, value);
      return 1;
    case DELETE:
      return map.delete(key) ? 1 : 0;
    case ADD: {
      const next = (map.get(key) ?? 0) + value;
      map.set(key, next);
      return next;
    }
    default:
      throw new Error(`unknown op ${op}`);
  }
}

for (const port of workerData.ports) {
  port.on('message', (m) => {
    if (Array.isArray(m)) {
      port.postMessage(apply(m[0], m[1], m[2]));
      return;
    }
    const { ops, keys, values } = m;
    const results = new Float64Array(ops.length);
    for (let i = 0; i < ops.length; i++) results[i] = apply(ops[i], keys[i], values[i]);
    port.postMessage(results, [results.buffer]);
  });
}
parentPort.postMessage('ready');
