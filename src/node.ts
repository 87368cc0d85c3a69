// The Node entry ("sharemap" under the `node` condition): hands the shared code Node's way of
// loading the core and naming threads, binds the scheduler to worker_threads, re-exports the rest.

import { readFile } from 'node:fs/promises';
import { threadId } from 'node:worker_threads';
import { setHost } from './host.js';
import { runWorkers as runOnPlatform, type RunOptions } from './scheduler.js';
import { nodeWorkerPlatform } from './platform-node.js';

const compiled = new Map<string, Promise<WebAssembly.Module>>();

setHost({
  loadModule(build) {
    let module = compiled.get(build);
    if (!module) {
      const file = build === 'release' ? 'sharemap.wasm' : 'sharemap.debug.wasm';
      module = readFile(new URL(`../build/${file}`, import.meta.url)).then((bytes) => WebAssembly.compile(bytes));
      compiled.set(build, module);
    }
    return module;
  },
  threadId: () => threadId,
  // Node lets every thread wait, the main thread included.
  canBlock: () => true,
});

export * from './index.js';

/**
 * Runs the task module on `options.threads` worker threads against `options.map`, started
 * together behind a barrier; resolves with their results in order. Every worker is terminated
 * before it settles.
 */
export function runWorkers(options: RunOptions): Promise<unknown[]> {
  return runOnPlatform(nodeWorkerPlatform(), options);
}
