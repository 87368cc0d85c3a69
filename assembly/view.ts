// This thread's view of the shared memory: how far its instance may reach.
//
// V8 keeps, per instance, the length of a shared memory that its explicit bounds checks use:
// atomic accesses, memory.copy and memory.fill, and memory.size. When another thread grows the
// memory, an instance learns the new length only when its thread handles the interrupt V8 sends
// for it, and a thread busy in the core may not do so for a long time: in a test of adds racing
// growth, a worker's memory.size() still said 18 pages while the table it had just loaded from
// the header lay past 34 (another thread had grown the memory to 50), and its atomic access to
// that table trapped "memory access out of bounds". Plain loads and stores went through (they are
// checked by guard pages, which a growth opens for every thread at once). memory.grow(0) brought
// the view up to date at once (34 and 50 pages in the two runs that measured it).
//
// So before an atomic access or a bulk copy into a block that another thread may have allocated
// (a table loaded from a root, an overflow bucket followed through a link, a blob, a block off a
// free list), the core makes sure the view reaches its end: one comparison, and memory.grow(0) in
// the rare case that it does not. A pointer past the memory even then is garbage (an unpinned
// reader's stale read), which the readers' bounds checks (R5) reject as before. The read fast
// path (fast64.ts probe) only compares and hands a block past the view to map.ts, which
// reaches: with memory.grow reachable from the probe, even on a path never taken, a 1K-entry
// get took about 5% longer.

import { tableB, tableBytes } from "./layout";

const PAGE_BITS: u64 = 16;

/** Bytes of memory this thread's instance reaches now. */
@inline export function memoryBytes(): u64 { return <u64>memory.size() << PAGE_BITS; }

/** Makes the view reach `end` (exclusive) if the memory has grown that far. */
@inline export function reach(end: u64): void {
  if (end > memoryBytes()) refresh();
}

/** Whether `end` (exclusive) is inside the memory, bringing the view up to date first if need be. */
@inline export function reachable(end: u64): bool {
  if (end <= memoryBytes()) return true;
  refresh();
  return end <= memoryBytes();
}

/** Makes the view reach the whole of `table` (its header tells its size with a plain load). */
@inline export function reachTable(table: usize): void {
  reach(<u64>table + tableBytes(tableB(table)));
}

/** memory.grow(0): V8 then updates this instance's length (and grows nothing). */
function refresh(): void {
  memory.grow(0);
}
