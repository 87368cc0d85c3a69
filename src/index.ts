// Public re-exports shared by every platform entry (src/node.ts, src/browser.ts).
export { ConcurrentMap } from './map.js';
export type { CreateOptions, MapHandle, MapStats, KindTypes, KeyKind, ValueKind, Strategy } from './map.js';
export { ConcurrentMapError, ConcurrentMapMisuseError } from './errors.js';
export type { ErrorCode, MisuseCode, ThreadName } from './errors.js';
export { measure } from './scheduler.js';
export type { RunOptions, WorkerTaskContext, Measured } from './scheduler.js';
