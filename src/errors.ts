// Errors of the public API: one base class with a stable `code`, and the messages that name the
// argument and the limit. Expected outcomes of the core (out of memory, key too large) arrive as
// status codes and become these errors in src/map.ts; a crashed worker becomes one with the
// original error as `cause`.

export type ErrorCode =
  | 'OUT_OF_MEMORY'
  | 'KEY_TOO_LARGE'
  | 'VALUE_TOO_LARGE'
  | 'FOREIGN_HANDLE'
  | 'INCOMPATIBLE_VERSION'
  | 'CLOSED'
  | 'TOO_MANY_THREADS'
  | 'WORKER_FAILED'
  | 'WORKER_TIMEOUT'
  | 'NO_SHARED_MEMORY'
  | 'MODULE_LOAD_FAILED'
  | MisuseCode;

/** What a map of strategy 'owned' detected (ConcurrentMapMisuseError.code). */
export type MisuseCode = 'CONCURRENT_WRITES' | 'READ_DURING_WRITE' | 'WRITE_DURING_ITERATION';

export class ConcurrentMapError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConcurrentMapError';
    this.code = code;
  }
}

/** A thread, as a misuse error names it: its slot in the map (from 1) and its JS threadId. */
export interface ThreadName {
  /** The thread's slot in the map header + 1: distinct among the threads attached at once. */
  slot: number;
  /** worker_threads' threadId in Node (0 = main thread); 0 in browsers, which have none. */
  threadId: number;
}

/**
 * Strategy 'owned' found two threads using the map at once where one must be alone (Go's
 * "concurrent map writes", made catchable). The operation that threw changed nothing; the map is
 * consistent and usable. `thread` is the one that threw, `otherThread` the one it collided with.
 */
export class ConcurrentMapMisuseError extends ConcurrentMapError {
  declare readonly code: MisuseCode;
  readonly thread: ThreadName;
  readonly otherThread: ThreadName;

  constructor(code: MisuseCode, thread: ThreadName, otherThread: ThreadName) {
    super(code, messages.misuse(code, thread, otherThread));
    this.name = 'ConcurrentMapMisuseError';
    this.thread = thread;
    this.otherThread = otherThread;
  }
}

const MISUSE_WHAT: Record<MisuseCode, [string, string]> = {
  CONCURRENT_WRITES: ['concurrent map writes', 'tried to write while'],
  READ_DURING_WRITE: ['concurrent map read and map write', 'read while'],
  WRITE_DURING_ITERATION: ['concurrent map iteration and map write', 'tried to write while'],
};

function describeThread(t: ThreadName): string {
  if (t.slot === 0) return 'an unknown thread';
  return `thread ${t.slot} (threadId ${t.threadId})`;
}

/** Formats a byte count as "1048576 bytes (1 MiB)" so limits read at a glance. */
export function describeBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${bytes} bytes (${value} ${units[unit]})`;
}

export const messages = {
  keyKind: (expected: string, got: unknown) =>
    `key must be ${expected} for this map (options.key), got ${describeValue(got)}`,
  valueKind: (expected: string, got: unknown) =>
    `value must be ${expected} for this map (options.value), got ${describeValue(got)}`,
  keyTooLarge: (bytes: number, limit: number) =>
    `key is ${bytes} bytes when encoded; the limit is ${describeBytes(limit)}`,
  valueTooLarge: (bytes: number, limit: number) =>
    `value is ${bytes} bytes when encoded; the limit is ${describeBytes(limit)}`,
  outOfMemory: (maxMemory: number) =>
    `the map's memory is exhausted (options.maxMemory is ${describeBytes(maxMemory)}); ` +
    'nothing was changed: delete entries or create the map with a larger maxMemory',
  foreignHandle: () =>
    'handle is not a sharemap handle: pass the `handle` property of a map made by ConcurrentMap.create',
  incompatibleVersion: (got: unknown, expected: number) =>
    `handle has layout version ${String(got)}, this build of sharemap reads version ${expected}`,
  closed: () => 'this map was closed on this thread; attach the handle again to use it',
  tooManyThreads: (limit: number) =>
    `more than ${limit} threads are attached to this map; close() maps on threads that are done`,
  // Browsers withhold SharedArrayBuffer from pages that are not cross-origin isolated; Node
  // always has it, so in practice this names what a web server must send.
  noSharedMemory: () =>
    'SharedArrayBuffer is not available, and shared WebAssembly memory needs it. In a browser the ' +
    'page must be cross-origin isolated: serve the page and its worker scripts with the headers ' +
    '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" ' +
    '(self.crossOriginIsolated is then true)',
  misuse: (code: MisuseCode, thread: ThreadName, other: ThreadName) => {
    const [what, did] = MISUSE_WHAT[code];
    const otherDid = code === 'WRITE_DURING_ITERATION' ? 'was iterating' : 'was writing';
    return `${what}: ${describeThread(thread)} ${did} ${describeThread(other)} ${otherDid}. ` +
      "strategy 'owned' allows one thread at a time to write, and no reads or iterations of other " +
      'threads meanwhile; nothing was changed. Hand the map over between threads, or pick another strategy';
  },
  // runWorkers (src/scheduler.ts)
  workerFailed: (index: number, message: string) => `worker ${index} failed: ${message}`,
  workerExited: (index: number, exitCode: number | undefined) =>
    `worker ${index} exited${exitCode === undefined ? '' : ` with code ${exitCode}`} before reporting a result`,
  workerTimeout: (timeoutMs: number, unfinished: string) =>
    `the run did not finish within options.timeoutMs (${timeoutMs} ms), so every worker was ` +
    `terminated; unfinished workers by stage: ${unfinished}`,
  argsNotCloneable: (message: string) =>
    `options.args and options.map must be structured-cloneable to reach the workers: ${message}`,
  moduleLoadFailed: (url: string, reason: string) =>
    `could not load the sharemap core from ${url}: ${reason}. Serve sharemap.wasm next to ` +
    'sharemap.js (as application/wasm), or compile it yourself and pass create({ module })',
} as const;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? `an object (${Object.prototype.toString.call(value)})` : `a ${type}`;
}
