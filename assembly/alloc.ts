// The thread-safe allocator over the map's shared memory.
//
// AssemblyScript's own allocators keep their state in globals, which are per thread here (two
// threads got the same address: ../shared/TOOLCHAIN.md), so the map brings its own, with all
// state in the map header (layout.ts, "allocator").
//
// Design: segregated size classes (layout.ts, "Size classes"), each a LIFO free list behind its
// own lock word; a list that is empty takes a fresh block from the bump region, which grows the
// memory with memory.grow. Blocks carry no header: every caller knows the size it allocated
// (a blob's length word, a table's B, BUCKET_SIZE) and passes it back to free(). Blocks are not
// coalesced: a freed block serves the next request of its class, which is what an insert/delete
// churn of similar keys needs.
//
// Alignment: every block is 8-aligned, and a block whose class size is a whole number of cache
// lines (64, 128, 192, and every class from 256 bytes up) is 64-aligned. Buckets rely on it
// (layout.ts, "Buckets": a slot never straddles two lines). bump() pads the heap top to the next
// line before such a block, and a free list only ever holds blocks of its own class, so reused
// blocks keep the alignment they were carved with. The padding, at most 56 bytes a block, is
// never handed out.
//
// Out of memory is an expected outcome, not a trap: alloc returns 0 and the caller reports
// OUT_OF_MEMORY having changed nothing (table.ts allocates before it mutates).
//
// The free-list locks are held for a handful of instructions; TODO(core): per-thread caches
// if allocation-heavy workloads show contention on one class in the benchmarks.

import { memoryBytes, reach, reachable } from "./view";
import {
  MAP_HEADER, HDR_HEAP_LOCK, HDR_HEAP_TOP, CLASS_MIN_SIZE, CLASS_STEPS_BITS, CLASS_COUNT,
  CLASS_LOCK, CLASS_FREE_HEAD, MAX_ALLOC_BYTES, TS_BYTES_IN_USE, CACHE_LINE, classEntry,
} from "./layout";
import { lock, unlock, load32, store32 } from "./lock";
import { selfSlot } from "./thread";

const PAGE_BITS: u32 = 16;
/** Grow by at least this many pages at a time, so growth is rare (1 MiB). */
const MIN_GROW_PAGES: i32 = 16;

/** The class whose size is the smallest one >= sizeBytes. Precondition: sizeBytes <= 2^31. */
export function classOf(sizeBytes: u32): u32 {
  if (sizeBytes <= CLASS_MIN_SIZE) return 0;
  if (sizeBytes <= 32) return (sizeBytes - CLASS_MIN_SIZE + 7) >> 3; // 24 → 1, 32 → 2
  const exp = 31 - clz<u32>(sizeBytes - 1); // 2^exp < size <= 2^(exp+1), exp >= 5
  const stepBits = exp - CLASS_STEPS_BITS;
  const step = (sizeBytes - (<u32>1 << exp) + (<u32>1 << stepBits) - 1) >> stepBits; // 1..4
  return 3 + ((exp - 5) << CLASS_STEPS_BITS) + step - 1;
}

/** Bytes of a block of `sizeClass` (the inverse of classOf). */
export function classSize(sizeClass: u32): u32 {
  if (sizeClass < 3) return CLASS_MIN_SIZE + (sizeClass << 3);
  const exp = ((sizeClass - 3) >> CLASS_STEPS_BITS) + 5;
  const step = ((sizeClass - 3) & ((1 << CLASS_STEPS_BITS) - 1)) + 1;
  return (<u32>1 << exp) + (step << (exp - CLASS_STEPS_BITS));
}

/** Bytes of the block that alloc(sizeBytes) hands out: its class's size. */
export function blockSize(sizeBytes: u32): u32 {
  return classSize(classOf(sizeBytes));
}

/** A block of at least sizeBytes (8-aligned), or 0 when the memory is exhausted. */
export function alloc(sizeBytes: u32): usize {
  if (sizeBytes > MAX_ALLOC_BYTES) return 0;
  const sizeClass = classOf(sizeBytes);
  const blockBytes = classSize(sizeClass);
  const entry = classEntry(sizeClass);
  let block: usize = 0;
  lock(entry + CLASS_LOCK);
  const head = load<u32>(entry, CLASS_FREE_HEAD);
  if (head != 0) {
    block = head;
    store<u32>(entry, load<u32>(head), CLASS_FREE_HEAD);
  }
  unlock(entry + CLASS_LOCK);
  if (block == 0) block = bump(blockBytes);
  if (block != 0) trackBytes(<i32>blockBytes);
  return block;
}

/** alloc, then zero the block: tables and buckets start empty. */
export function allocZeroed(sizeBytes: u32): usize {
  const block = alloc(sizeBytes);
  if (block != 0) {
    reach(<u64>block + sizeBytes); // a free block may lie in memory another thread grew (view.ts)
    memory.fill(block, 0, sizeBytes);
  }
  return block;
}

/**
 * Returns a block to its class. Preconditions: `ptr` came from alloc(sizeBytes) with the same
 * sizeBytes, and no thread can reach it any more (epoch.ts frees retired blocks only then).
 */
export function free(ptr: usize, sizeBytes: u32): void {
  if (ptr == 0) return;
  const sizeClass = classOf(sizeBytes);
  const entry = classEntry(sizeClass);
  lock(entry + CLASS_LOCK);
  store<u32>(ptr, load<u32>(entry, CLASS_FREE_HEAD));
  store<u32>(entry, <u32>ptr, CLASS_FREE_HEAD);
  unlock(entry + CLASS_LOCK);
  trackBytes(-<i32>classSize(sizeClass));
}

/** Carves a block from the top of the heap, growing the memory when the top passes its end. */
function bump(blockBytes: u32): usize {
  const heapLock = MAP_HEADER + HDR_HEAP_LOCK;
  lock(heapLock);
  const heapTop = <u64>load<u32>(MAP_HEADER + HDR_HEAP_TOP); // in u64: the padding must not wrap
  const line = <u64>CACHE_LINE;
  const top = lineAligned(blockBytes) ? (heapTop + line - 1) & ~(line - 1) : heapTop;
  const end = top + blockBytes;
  if (end > 0xffff_fff8) {
    unlock(heapLock);
    return 0;
  }
  if (!reachable(end)) { // brought up to date first: another thread may have grown the memory
    const have = memoryBytes();
    const needPages = <i32>((end - have + 0xffff) >> PAGE_BITS);
    // Grow by 1/8 of the memory at least, so a growing map calls memory.grow O(log n) times;
    // near the maximum, fall back to exactly what is needed.
    let pages = max(needPages, max(MIN_GROW_PAGES, memory.size() >> 3));
    if (memory.grow(pages) < 0 && (pages == needPages || memory.grow(needPages) < 0)) {
      unlock(heapLock);
      return 0;
    }
  }
  store<u32>(MAP_HEADER + HDR_HEAP_TOP, <u32>end);
  unlock(heapLock);
  return <usize>top;
}

/** Whether blocks of this class size start on a cache line (see the header). */
@inline function lineAligned(blockBytes: u32): bool {
  return (blockBytes & <u32>(CACHE_LINE - 1)) == 0;
}

/** Memory in use is a striped counter too: each thread counts what it allocated and freed. */
@inline function trackBytes(delta: i32): void {
  const slot = selfSlot();
  store32(slot, load32(slot, TS_BYTES_IN_USE) + <u32>delta, TS_BYTES_IN_USE);
}

/** Sets the heap's first byte. Called once by initMap, before any thread allocates. */
export function initHeap(heapStart: usize): void {
  store<u32>(MAP_HEADER + HDR_HEAP_TOP, <u32>heapStart);
}


export function classCount(): u32 { return CLASS_COUNT; }
