// Public re-exports shared by every platform entry (src/node.ts, src/browser.ts).
export { ConcurrentMap } from './map.js';
export type { CreateOptions, MapHandle, MapStats, KindTypes, KeyKind, ValueKind } from './map.js';
export { ConcurrentMapError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { measure } from './scheduler.js';
export type { RunOptions, WorkerTaskContext, Measured } from './scheduler.js';
