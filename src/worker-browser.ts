// The worker entry script in browsers (bundled as dist/browser/sharemap-worker.js, named by
// src/platform-browser.ts): wires the worker's own message channel to the platform-neutral worker
// code in src/worker.ts and does nothing else.
//
// Roles: runs in a dedicated Web Worker, which may block; see src/worker.ts for what it does.

import { serveWorker, type InitMessage, type WorkerMessage } from './worker.js';
// The browser entry: installs the browser host (src/host.ts) before the task attaches a map.
import { ConcurrentMap } from './browser.js';

/** The part of DedicatedWorkerGlobalScope used here (tsconfig's lib is DOM, not WebWorker). */
interface WorkerScope {
  readonly name: string;
  readonly navigator: Navigator;
  addEventListener(type: 'message', listener: (event: MessageEvent<InitMessage>) => void, options: { once: true }): void;
  postMessage(message: WorkerMessage): void;
}

const scope = globalThis as unknown as WorkerScope;

// The lock that tells the main thread this worker is gone (src/platform-browser.ts): held from
// here on, and released only by the browser, when it has stopped this worker. The worker serves
// nothing before it holds the lock, so the main thread never sees it free while the task runs.
const holdingExitLock = new Promise<void>((resolve) => {
  const locks = scope.navigator.locks as LockManager | undefined;
  if (locks === undefined) {
    resolve();
    return;
  }
  void locks.request(scope.name, () => {
    resolve();
    return new Promise<never>(() => {});
  });
});

// After S1 the worker expects nothing more.
scope.addEventListener('message', (event) => {
  void holdingExitLock.then(() =>
    serveWorker(event.data, (message) => scope.postMessage(message), (handle) => ConcurrentMap.attach(handle)));
}, { once: true });
