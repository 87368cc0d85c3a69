// The Wasm interface of sharemap: exports only. Each function is one call into the file that
// owns it; the constants are the layout and status values src/layout.ts reads at startup, so
// the facade never writes a number of its own (test/layout.test.ts checks both sides agree).

import * as layout from "./layout";
import * as status from "./status";
import { totalCount } from "./thread";
import { stagingArea } from "./map";
import { STATS_FIELD_COUNT } from "./stats";
import * as init from "./init";

export { initMap, attach, close, headerVersion, headerStrategy, headerShards, reserveStaging } from "./init";
export {
  getOwned, getValueOwned, hasOwned, setOwned, getOrInsertOwned, removeOwned, compareAndSetOwned,
  compareAndDeleteOwned, addOwned, clearOwned, iterationBegin, iterationEnd,
} from "./owner";
export {
  getLocked, getValueLocked, hasLocked, iterateLocked, setLocked, getOrInsertLocked, removeLocked,
  compareAndSetLocked, compareAndDeleteLocked, addLocked, clearLocked,
} from "./rwlock";
export {
  getSharded, getValueSharded, hasSharded, setSharded, getOrInsertSharded, removeSharded, compareAndSetSharded,
  compareAndDeleteSharded, addSharded, clearSharded, iterationWidthShard, iterateShard,
} from "./shards";
export {
  getReadMostly, getValueReadMostly, hasReadMostly, setReadMostly, getOrInsertReadMostly,
  removeReadMostly, compareAndSetReadMostly, compareAndDeleteReadMostly, addReadMostly,
  clearReadMostly, iterationWidthReadMostly, iterateReadMostly, readMostlyCounter,
} from "./readmostly";
export { get, getOrInsert, compareAndSet, compareAndDelete } from "./map";
export { clear } from "./clear";
export { stats } from "./stats";
export { iterate, iterationWidth } from "./iterate";

/** Entries in the map: exact when no write is in flight (a sum of per-thread stripes). */
export function size(): f64 { return <f64>totalCount(); }
/** The calling thread's staging area (moves only in reserveStaging). */
export function staging(): usize { return stagingArea(); }

export const LAYOUT_VERSION: u32 = layout.LAYOUT_VERSION;
export const MAX_THREADS: u32 = layout.MAX_THREADS;
export const KEY_NUMBER: u32 = layout.KEY_NUMBER;
export const KEY_INT32: u32 = layout.KEY_INT32;
export const KEY_BLOB: u32 = layout.KEY_BLOB;
export const VALUE_NUMBER: u32 = layout.VALUE_NUMBER;
export const VALUE_INT32: u32 = layout.VALUE_INT32;
export const VALUE_BLOB: u32 = layout.VALUE_BLOB;
export const STAGE_RESULT: u32 = <u32>layout.STAGE_RESULT;
export const STAGE_RESULT_LEN: u32 = <u32>layout.STAGE_RESULT_LEN;
export const STAGE_NEED_BYTES: u32 = <u32>layout.STAGE_NEED_BYTES;
export const STAGE_CURSOR: u32 = <u32>layout.STAGE_CURSOR;
export const STAGE_COUNT: u32 = <u32>layout.STAGE_COUNT;
export const STAGE_RESULT_AT: u32 = <u32>layout.STAGE_RESULT_AT;
export const STAGE_DATA: u32 = <u32>layout.STAGE_DATA;
export const STAGE_OTHER_SLOT: u32 = <u32>layout.STAGE_OTHER_SLOT;
export const STAGE_OTHER_JS_ID: u32 = <u32>layout.STAGE_OTHER_JS_ID;
export const STAGE_STATUS: u32 = <u32>layout.STAGE_STATUS;
export const STRATEGY_CONCURRENT: u32 = layout.STRATEGY_CONCURRENT;
export const STRATEGY_OWNED: u32 = layout.STRATEGY_OWNED;
export const STRATEGY_RWLOCK: u32 = layout.STRATEGY_RWLOCK;
export const STRATEGY_SHARDED: u32 = layout.STRATEGY_SHARDED;
export const STRATEGY_READ_MOSTLY: u32 = layout.STRATEGY_READ_MOSTLY;
export const MAX_SHARDS: u32 = layout.MAX_SHARDS;
export const LEN_UTF16: u32 = layout.LEN_UTF16;
export const LEN_BYTES_MASK: u32 = layout.LEN_BYTES_MASK;
export const MAX_KEY_BYTES: u32 = layout.MAX_KEY_BYTES;
export const MAX_VALUE_BYTES: u32 = layout.MAX_VALUE_BYTES;
export const HEADER_END: u32 = <u32>layout.MAP_HEADER_END;
export const STATS_FIELDS: u32 = STATS_FIELD_COUNT;

export const OK: i32 = status.OK;
export const INSERTED: i32 = status.INSERTED;
export const FOUND: i32 = status.FOUND;
export const NOT_FOUND: i32 = status.NOT_FOUND;
export const MISMATCH: i32 = status.MISMATCH;
export const OUT_OF_MEMORY: i32 = status.OUT_OF_MEMORY;
export const NEEDS_SPACE: i32 = status.NEEDS_SPACE;
export const KEY_TOO_LARGE: i32 = status.KEY_TOO_LARGE;
export const VALUE_TOO_LARGE: i32 = status.VALUE_TOO_LARGE;
export const DONE: i32 = status.DONE;
export const CONCURRENT_WRITES: i32 = status.CONCURRENT_WRITES;
export const READ_DURING_WRITE: i32 = status.READ_DURING_WRITE;
export const WRITE_DURING_ITERATION: i32 = status.WRITE_DURING_ITERATION;
export const ATTACH_TOO_MANY_THREADS: i32 = init.ATTACH_TOO_MANY_THREADS;
export const ATTACH_NOT_A_MAP: i32 = init.ATTACH_NOT_A_MAP;
export const ATTACH_OUT_OF_MEMORY: i32 = init.ATTACH_OUT_OF_MEMORY;
export const STAGING_INITIAL_SIZE: u32 = layout.STAGING_INITIAL_SIZE;
export { getValue, has, set, add, remove, getValueNumber, getValueInt32, hasNumber, hasInt32 } from "./fast64";
