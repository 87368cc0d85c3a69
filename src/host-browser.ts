// The browser's `Host` (src/host.ts): fetching and compiling the core that sits beside the bundle,
// and finding out whether this thread may block. Installed by src/browser.ts.
//
// The core is fetched from `new URL('./sharemap.wasm', import.meta.url)`, a pattern bundlers
// recognize as an asset reference; where that does not fit the hosting, users compile the
// module themselves and pass `create({ module })`, which never calls loadModule. Workers never
// load it either: the module reaches them in the map's handle.

import { ConcurrentMapError, messages } from './errors.js';
import type { Host } from './host.js';

export function browserHost(): Host {
  let compiled: Promise<WebAssembly.Module> | undefined;
  let blocking: boolean | undefined;
  return {
    loadModule(build) {
      if (build !== 'release') {
        return Promise.reject(new ConcurrentMapError('MODULE_LOAD_FAILED',
          'only the release core is bundled for browsers: fetch and compile sharemap.debug.wasm, then pass create({ module })'));
      }
      if (compiled === undefined) {
        compiled = fetchModule(new URL('./sharemap.wasm', import.meta.url));
        // A failed fetch is not kept, so a later create() tries again.
        compiled.catch(() => { compiled = undefined; });
      }
      return compiled;
    },
    // Browsers expose no thread ids; the core only records this for diagnostics.
    threadId: () => 0,
    canBlock: () => (blocking ??= probeBlocking()),
  };
}

async function fetchModule(url: URL): Promise<WebAssembly.Module> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ConcurrentMapError('MODULE_LOAD_FAILED', messages.moduleLoadFailed(url.href, String(error)), { cause: error });
  }
  if (!response.ok) {
    throw new ConcurrentMapError('MODULE_LOAD_FAILED', messages.moduleLoadFailed(url.href, `HTTP ${response.status}`));
  }
  try {
    // compileStreaming insists on the application/wasm MIME type; plenty of servers send another.
    return response.headers.get('Content-Type')?.startsWith('application/wasm')
      ? await WebAssembly.compileStreaming(response)
      : await WebAssembly.compile(await response.arrayBuffer());
  } catch (error) {
    throw new ConcurrentMapError('MODULE_LOAD_FAILED', messages.moduleLoadFailed(url.href, String(error)), { cause: error });
  }
}

/**
 * Whether Atomics.wait is allowed on this thread: not on a page's main thread, nor without
 * SharedArrayBuffer. Asking is the only portable test (a dedicated worker may, a service worker
 * may not); a wait on a value that does not match returns "not-equal" at once where it is allowed.
 */
function probeBlocking(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}
