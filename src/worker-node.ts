// The worker entry script on Node (dist/worker-node.js, named by src/platform-node.ts): wires
// `parentPort` to the platform-neutral worker code in src/worker.ts and does nothing else.
//
// Roles: runs in a worker thread, which may block; see src/worker.ts for what it does.

import { parentPort } from 'node:worker_threads';
import { serveWorker, type InitMessage } from './worker.js';
// The Node entry: installs the Node host (src/host.ts) before the task attaches a map.
import { ConcurrentMap } from './node.js';

if (parentPort === null) {
  throw new Error('worker-node.js is a worker script: runWorkers starts it, do not run it directly');
}
const port = parentPort;

// `once`: after S1 the worker expects nothing more, and dropping the listener unrefs the port,
// so a task whose promise can never settle lets the thread exit instead of idling until the
// deadline; the main thread reports that exit as WORKER_FAILED.
port.once('message', (init: InitMessage) => {
  void serveWorker(init, (message) => port.postMessage(message), (handle) => ConcurrentMap.attach(handle));
});
