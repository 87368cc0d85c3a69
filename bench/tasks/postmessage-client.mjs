// A client of the postMessage baselines (bench/baselines/postmessage.js). Same steps as
// bench/tasks/throughput.mjs: T1 precompute the sequence (seed + index, so the same operations as
// that file's worker `index`), T3 warm up, T4 meet the other clients at the gate, T5 run for
// durationMs; then post { ops, elapsedNs, cpuMs, sink } to the main thread.
// 'postmessage' awaits each operation's reply before sending the next; 'postmessage-batch' sends
// `batch` operations per message. The clock is read once per `chunkOps` operations (rounded up to
// whole batches).

import { parentPort, workerData } from 'node:worker_threads';
import { threadCpuMs } from '../cpu.js';
import { arriveAndWait } from '../gate.js';
import { ADD, sequence } from '../workloads.js';

const { workload, impl, index, threads, seed, sequenceLength, warmupMs, durationMs, gate, port, batch } = workerData;
const chunkOps = workerData.chunkOps;
const strings = workload.key === 'string';

let pending;
port.on('message', (m) => pending(m));
const call = (message) =>
  new Promise((resolve) => {
    pending = resolve;
    port.postMessage(message);
  });

const { ops, keys } = sequence(workload, sequenceLength, seed + index); // T1
const mask = keys.length - 1;
const valueOf = (i) => (ops[i] === ADD ? 1 : i & 0xffff);

async function single(durationMs) {
  let at = 0;
  let done = 0;
  let sink = 0;
  const start = performance.now();
  let now = start;
  do {
    for (let j = 0; j < chunkOps; j++) {
      const i = (at + j) & mask;
      const k = keys[i];
      const r = await call([ops[i], strings ? 'key:' + k : k, valueOf(i)]);
      if (r === r) sink += r;
    }
    at = (at + chunkOps) & mask;
    done += chunkOps;
    now = performance.now();
  } while (now - start < durationMs);
  return { ops: done, elapsedNs: (now - start) * 1e6, sink };
}

async function batched(durationMs) {
  let at = 0;
  let done = 0;
  let sink = 0;
  const perClockRead = Math.max(1, Math.round(chunkOps / batch));
  const start = performance.now();
  let now = start;
  do {
    for (let b = 0; b < perClockRead; b++) {
      const opsOut = new Uint8Array(batch);
      const keysOut = new Array(batch);
      const valuesOut = new Array(batch);
      for (let j = 0; j < batch; j++) {
        const i = (at + j) & mask;
        const k = keys[i];
        opsOut[j] = ops[i];
        keysOut[j] = strings ? 'key:' + k : k;
        valuesOut[j] = valueOf(i);
      }
      const results = await call({ ops: opsOut, keys: keysOut, values: valuesOut });
      for (let j = 0; j < batch; j++) if (results[j] === results[j]) sink += results[j];
      at = (at + batch) & mask;
      done += batch;
    }
    now = performance.now();
  } while (now - start < durationMs);
  return { ops: done, elapsedNs: (now - start) * 1e6, sink };
}

const run = impl === 'postmessage-batch' ? batched : single;
const warmup = await run(warmupMs); // T3
arriveAndWait(gate, threads); // T4
const cpuBefore = threadCpuMs();
const result = await run(durationMs); // T5
const cpuAfter = threadCpuMs();
port.close();
parentPort.postMessage({ ...result, warmupOps: warmup.ops, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore });
