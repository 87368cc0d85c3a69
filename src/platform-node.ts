// The Node implementation of `WorkerPlatform` (src/platform.ts): adapts `node:worker_threads`
// Workers to `WorkerLike`, and resolves task paths with Node's own path rules. Nothing else in
// the scheduler knows it is running on Node.
//
// Roles: this runs on the main thread only, which never blocks. The worker side of Node is
// src/worker-node.ts, which this module names as the worker script.

import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SpawnOptions, WorkerLike, WorkerPlatform } from './platform.js';

export function nodeWorkerPlatform(): WorkerPlatform {
  return {
    // Resolved against this file so it works from dist/ wherever the package is installed.
    workerScript: new URL('./worker-node.js', import.meta.url),
    spawn: (scriptUrl, options) => spawnNodeWorker(scriptUrl, options),
    resolveModuleUrl,
  };
}

function spawnNodeWorker(scriptUrl: URL, options: SpawnOptions = {}): WorkerLike {
  const worker = new Worker(scriptUrl, { name: options.name });
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (callback) => void worker.on('message', callback),
    onError: (callback) => {
      worker.on('error', callback);
      // A message the main thread cannot deserialize is a failure of that worker, not a silent drop.
      worker.on('messageerror', callback);
    },
    onExit: (callback) => void worker.once('exit', callback),
    // Node resolves with the exit code, which `onExit` already reports.
    terminate: async () => void (await worker.terminate()),
  };
}

function resolveModuleUrl(task: string | URL): URL {
  if (task instanceof URL) return task;
  // Checked before URL parsing: a Windows path like C:\tasks\sum.mjs also parses as a URL
  // with the scheme "c:".
  if (isAbsolute(task)) return pathToFileURL(task);
  if (URL.canParse(task)) return new URL(task);
  // A relative path would be resolved against the worker script in dist/, not the caller.
  throw new RangeError(`options.task must be a URL or an absolute path, got ${JSON.stringify(task)}`);
}
