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
  | 'MODULE_LOAD_FAILED';

export class ConcurrentMapError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConcurrentMapError';
    this.code = code;
  }
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
