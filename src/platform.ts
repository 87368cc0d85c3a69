// The seam between the scheduler and a platform's threads: what src/scheduler.ts needs from a
// Worker, and nothing it could do without. Each platform adapts its own Worker to `WorkerLike`
// (src/platform-node.ts for node:worker_threads, src/platform-browser.ts for Web Workers), so the
// scheduler itself imports no platform module and runs unchanged in Node and in browsers.
//
// Roles: every method here is called on the main thread, which never blocks; callbacks arrive
// asynchronously from the platform's event loop.

/** One spawned worker, seen from the main thread. */
export interface WorkerLike {
  /** Sends a structured-cloneable message; throws (e.g. DataCloneError) if it cannot be cloned. */
  postMessage(message: unknown): void;
  /** Called with the data of each message the worker posts. */
  onMessage(callback: (message: unknown) => void): void;
  /**
   * Called when the worker fails outside the code that reports errors itself: an uncaught
   * exception or rejection, a script that cannot load, or a message that cannot be deserialized.
   */
  onError(callback: (error: unknown) => void): void;
  /**
   * Called once when the worker's thread has stopped, with its exit code if the platform has one.
   * Browsers have no exit event, so there this is never called: the scheduler's deadline still
   * covers a worker that vanishes without reporting.
   */
  onExit(callback: (exitCode: number | undefined) => void): void;
  /**
   * Stops the worker, even one blocked in `Atomics.wait` or a loop; resolves once it has stopped
   * (in browsers, where terminate() takes effect late, see src/platform-browser.ts).
   */
  terminate(): Promise<void>;
}

export interface SpawnOptions {
  /** Shown in debuggers and thread listings, e.g. "sharemap worker 3". */
  name?: string;
}

/**
 * How the scheduler starts threads on one platform. The scheduler sends each worker its
 * instructions as the first message rather than at spawn time (Node's `workerData`), because a
 * browser `Worker` can only receive data by message; one path for both keeps them alike.
 */
export interface WorkerPlatform {
  /** The worker entry script for this platform (it calls `serveWorker` from src/worker.ts). */
  readonly workerScript: URL;
  /** Starts `scriptUrl` as an ES module worker. */
  spawn(scriptUrl: URL, options?: SpawnOptions): WorkerLike;
  /**
   * Turns `options.task` into the module URL a worker imports. Only the platform knows what a
   * path means (Node: an absolute file path; browsers: a URL relative to the page), so the
   * scheduler never parses one. Throws a RangeError naming `options.task` for anything it cannot resolve unambiguously.
   */
  resolveModuleUrl(task: string | URL): URL;
}
