// Status codes returned across the Wasm boundary. Expected outcomes are statuses; abort() is kept
// for broken invariants (bugs). src/core.ts mirrors these by name (test/layout.test.ts checks).

/** Done; for set, an existing key's value was replaced. */
export const OK: i32 = 0;
/** A new key was inserted. */
export const INSERTED: i32 = 1;
/** The key is present; its value is in the staging result. */
export const FOUND: i32 = 2;
export const NOT_FOUND: i32 = 3;
/** compareAndSet / compareAndDelete: the key holds another value; nothing changed. */
export const MISMATCH: i32 = 4;
/** The memory is exhausted (at the map's maxMemory); nothing changed. */
export const OUT_OF_MEMORY: i32 = 5;
/** The staging area is too small for the result; STAGE_NEED_BYTES says how much it needs. */
export const NEEDS_SPACE: i32 = 6;
export const KEY_TOO_LARGE: i32 = 7;
export const VALUE_TOO_LARGE: i32 = 8;
/** iterate: no logical bucket is left. */
export const DONE: i32 = 9;
// Strategy 'owned' (owner.ts): misuse detected; nothing changed. The other thread is named in
// staging (STAGE_OTHER_SLOT, STAGE_OTHER_JS_ID).
/** A write found another thread's write in progress (after the map's ownerAttempts attempts). */
export const CONCURRENT_WRITES: i32 = 10;
/** A read (or the start of an iteration) overlapped another thread's write. */
export const READ_DURING_WRITE: i32 = 11;
/** A write found another thread's iteration registered. */
export const WRITE_DURING_ITERATION: i32 = 12;
