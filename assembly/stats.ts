// map.stats(): a snapshot of the table's shape, growth, memory and lock contention, written as
// f64s into the staging area (src/map.ts names them in STATS_FIELDS order).

import {
  ROOT_TABLE, ROOT_OLD_TABLE, TBL_OVERFLOW_COUNT, TBL_EVACUATED, STAGE_DATA,
  TS_STATE, TS_LOCK_SPINS, TS_LOCK_WAITS, TS_BYTES_IN_USE, THREAD_ACTIVE, tableB, tableMask,
  threadSlot, RM_DIRTY_ROOT,
} from "./layout";
import { load32 } from "./lock";
import { pin, unpin } from "./epoch";
import { totalCount, threadHigh } from "./thread";
import { memoryBytes, reachTable } from "./view";
import { stagingArea, deletesByMark } from "./map";
import { rootAt, rootCount } from "./root";

/** Fields, in order; src/map.ts reads them by this order (test/layout.test.ts checks the count). */
export const STATS_FIELD_COUNT: u32 = 12;

export function stats(): void {
  pin();
  // Sharded maps: the sum over roots, B the largest, growing if any root is.
  let B: u32 = 0, buckets: f64 = 0, overflow: f64 = 0, growing = false, oldBuckets: f64 = 0, evacuated: f64 = 0;
  const roots = rootCount() + (deletesByMark() ? 1 : 0); // read-mostly: the dirty root too
  for (let i: u32 = 0; i < roots; i++) {
    const root = i < rootCount() ? rootAt(i) : RM_DIRTY_ROOT;
    const table = load32(root + ROOT_TABLE);
    const old = load32(root + ROOT_OLD_TABLE);
    reachTable(table); // view.ts
    if (old != 0) reachTable(old);
    if (tableB(table) > B) B = tableB(table);
    buckets += <f64>(tableMask(table) + 1);
    overflow += <f64>(load32(table, TBL_OVERFLOW_COUNT) + (old != 0 ? load32(old, TBL_OVERFLOW_COUNT) : 0));
    if (old != 0) {
      growing = true;
      oldBuckets += <f64>(tableMask(old) + 1);
      evacuated += <f64>load32(old, TBL_EVACUATED);
    }
  }
  let spins: u64 = 0, waits: u64 = 0, threads: u32 = 0;
  let bytesInUse: u32 = 0; // stripes wrap; their sum is right modulo 2^32
  const high = threadHigh();
  for (let i: u32 = 0; i < high; i++) {
    const slot = threadSlot(i);
    spins += load32(slot, TS_LOCK_SPINS);
    waits += load32(slot, TS_LOCK_WAITS);
    bytesInUse += load32(slot, TS_BYTES_IN_USE);
    if (load32(slot, TS_STATE) == THREAD_ACTIVE) threads++;
  }
  const out = stagingArea() + STAGE_DATA;
  store<f64>(out, <f64>totalCount(), 0);
  store<f64>(out, <f64>B, 8);
  store<f64>(out, buckets, 16);
  store<f64>(out, overflow, 24);
  store<f64>(out, growing ? 1 : 0, 32);
  store<f64>(out, oldBuckets, 40);
  store<f64>(out, evacuated, 48);
  store<f64>(out, <f64>memoryBytes(), 56);
  store<f64>(out, <f64>bytesInUse, 64);
  store<f64>(out, <f64>spins, 72);
  store<f64>(out, <f64>waits, 80);
  store<f64>(out, <f64>threads, 88);
  unpin();
}
