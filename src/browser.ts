// The browser entry ("sharemap" under the `browser` and `default` conditions, bundled as
// dist/browser/sharemap.js): hands the shared code the browser's way of loading the core and
// whether this thread may block (src/host-browser.ts), binds the scheduler to Web Workers,
// re-exports the rest.

import { setHost } from './host.js';
import { browserHost } from './host-browser.js';
import { runWorkers as runOnPlatform, type RunOptions } from './scheduler.js';
import { browserWorkerPlatform } from './platform-browser.js';

setHost(browserHost());

export * from './index.js';

/**
 * Runs the task module on `options.threads` Web Workers against `options.map`, started together
 * behind a barrier; resolves with their results in order. Every worker is terminated before it
 * settles. A string `options.task` is resolved against the page, like `new Worker(url)`.
 */
export function runWorkers(options: RunOptions): Promise<unknown[]> {
  return runOnPlatform(browserWorkerPlatform(), options);
}
