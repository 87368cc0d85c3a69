// Baseline: a JS Map owned by one worker and reached through postMessage, the usual way to share
// a map between threads without shared memory. The main thread starts the owner
// (bench/tasks/postmessage-owner.mjs), which fills its Map like the shared one and answers on one
// MessagePort per client; then `threads` clients (bench/tasks/postmessage-client.mjs), which run
// the same operation sequences as the other implementations' worker `index` and report like
// them. The owner is an extra thread: with 2 clients, 3 threads share the cores.
//
// Two variants: 'postmessage' sends one operation per message and awaits its reply before the
// next (a round trip per operation, as an RPC-style wrapper does); 'postmessage-batch' sends
// BATCH operations per message and awaits the reply with all their results.
//
// runWorkers cannot hand out MessagePorts (its args are cloned, not transferred), so this file
// starts its Workers itself, with the same start-up order: nothing is timed until every client
// has warmed up and arrived at the gate.

import { Worker, MessageChannel } from 'node:worker_threads';
import { newGate } from '../gate.js';

const OWNER = new URL('../tasks/postmessage-owner.mjs', import.meta.url);
const CLIENT = new URL('../tasks/postmessage-client.mjs', import.meta.url);

/** Operations per message in the batched variant. */
export const BATCH = 100;

/** The first message a worker posts, or a rejection if it fails or exits first. */
function firstMessage(worker, what) {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', (e) => reject(new Error(`${what} failed: ${e?.stack ?? e}`)));
    worker.once('exit', (code) => reject(new Error(`${what} exited (code ${code}) before reporting`)));
  });
}

/**
 * One run: resolves with each client's { ops, elapsedNs, cpuMs, sink }, by index. Every worker is
 * terminated before it settles, also on error or at the deadline.
 */
export async function runPostMessage({ impl, threads, timeoutMs, args }) {
  const channels = Array.from({ length: threads }, () => new MessageChannel());
  const workers = [];
  let timer;
  try {
    const owner = new Worker(OWNER, {
      workerData: { workload: args.workload, ports: channels.map((c) => c.port1) },
      transferList: channels.map((c) => c.port1),
    });
    workers.push(owner);
    const deadline = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`postMessage run exceeded ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([firstMessage(owner, 'postMessage owner'), deadline]); // filled its Map
    const gate = newGate();
    const results = channels.map((c, index) => {
      const client = new Worker(CLIENT, {
        workerData: { ...args, impl, index, threads, gate, port: c.port2, batch: BATCH },
        transferList: [c.port2],
      });
      workers.push(client);
      return firstMessage(client, `postMessage client ${index}`);
    });
    return await Promise.race([Promise.all(results), deadline]);
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
