// The browser implementation of `WorkerPlatform` (src/platform.ts): adapts Web Workers to
// `WorkerLike`, and resolves task URLs the way the browser resolves `new Worker(url)`. Nothing
// else in the scheduler knows it is running in a browser.
//
// Roles: this runs on the thread that calls runWorkers (usually the page's main thread, which may
// never block). The worker side is src/worker-browser.ts, bundled as sharemap-worker.js next to
// the browser bundle (scripts/build-browser.mjs); `workerScript` names it relative to this code,
// so wherever the bundle is served from, the worker script is found beside it.

import type { SpawnOptions, WorkerLike, WorkerPlatform } from './platform.js';

export function browserWorkerPlatform(): WorkerPlatform {
  return {
    workerScript: new URL('./sharemap-worker.js', import.meta.url),
    spawn: (scriptUrl, options) => spawnWebWorker(scriptUrl, options),
    resolveModuleUrl,
  };
}

// Chromium's terminate() stops a worker that is running JavaScript or blocked in Atomics.wait
// only after a grace period: such a worker went on counting in shared memory for 2.0-2.1 s after
// terminate() returned (Chromium 150), while an idle one stops at once. So each worker holds a
// Web Lock named after it for as long as it lives (src/worker-browser.ts), and terminate()
// resolves when the browser releases it, i.e. when the worker is gone. Capped, in case a browser
// never releases it; runWorkers must still settle.
const EXIT_WAIT_MS = 10_000;

function spawnWebWorker(scriptUrl: URL, options: SpawnOptions = {}): WorkerLike {
  // Locks are shared by every page of the origin, so the name must be unique; the worker reads it
  // back from its `self.name`, which also shows in the browser's developer tools.
  const name = `${options.name ?? 'sharemap worker'} ${crypto.randomUUID()}`;
  // A module worker: the worker script is an ES module, and so are the task modules it imports.
  const worker = new Worker(scriptUrl, { type: 'module', name });
  return {
    postMessage: (message) => worker.postMessage(message),
    onMessage: (callback) => worker.addEventListener('message', (event) => callback(event.data)),
    onError: (callback) => {
      worker.addEventListener('error', (event) => {
        // Handled here: without preventDefault the browser also logs it as uncaught.
        event.preventDefault();
        callback(describeWorkerError(event, scriptUrl));
      });
      // A message the main thread cannot deserialize is a failure of that worker, not a silent drop.
      worker.addEventListener('messageerror', () => {
        callback(new Error('a message from the worker could not be deserialized'));
      });
    },
    // Browsers report no exit; a worker that vanishes is caught by the run's deadline (platform.ts).
    onExit: () => {},
    terminate: async () => {
      worker.terminate();
      await waitUntilGone(name);
    },
  };
}

/**
 * Resolves once the worker that holds the lock `name` has stopped. A worker terminated before it
 * took its lock had not started serving yet (it takes the lock first), so an immediate grant is
 * right too.
 */
async function waitUntilGone(name: string): Promise<void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  // Without Web Locks (insecure contexts, old browsers), terminate() is the best there is.
  if (locks === undefined) return;
  try {
    await locks.request(name, { signal: AbortSignal.timeout(EXIT_WAIT_MS) }, () => undefined);
  } catch {
    // Timed out: the browser still has not stopped the worker; nothing more can be done.
  }
}

/**
 * An uncaught error inside the worker arrives as an ErrorEvent with a message; a worker script
 * that cannot load at all (404, wrong MIME type, blocked by COEP, a syntax error) as a bare Event,
 * which says nothing, so the message lists what to check.
 */
function describeWorkerError(event: Event, scriptUrl: URL): Error {
  const message = (event as ErrorEvent).message;
  if (typeof message === 'string' && message !== '') return new Error(message);
  return new Error(
    `the worker script ${scriptUrl.href} could not be started: check that it is served from this ` +
      'origin as JavaScript, with the same Cross-Origin-Embedder-Policy as the page',
  );
}

function resolveModuleUrl(task: string | URL): URL {
  if (task instanceof URL) return task;
  // Relative to the document (or the calling worker's script), as `new Worker(url)` and `fetch`
  // resolve it; pass `new URL('./task.js', import.meta.url)` to resolve against your own module.
  const base = (globalThis as { location?: { href: string } }).location?.href;
  try {
    return new URL(task, base);
  } catch {
    throw new RangeError(`options.task must be a URL, or a path relative to this page, got ${JSON.stringify(task)}`);
  }
}
