// A map's birth and each thread's arrival and departure: initMap, attach, close, and the
// staging area every thread owns.
//
// initMap runs once, on the creating thread, before any other thread can see the memory; it
// writes the magic last, so a header with the magic is complete. attach refuses a memory whose
// header is not ours or whose layout version differs (src/map.ts turns that into an error).

import {
  MAP_HEADER, HDR_MAGIC, HDR_LAYOUT_VERSION, HDR_SEED, HDR_KEY_KIND, HDR_VALUE_KIND,
  HDR_LOCK_SPINS, HDR_HEAP_START, HDR_KEY_CODEC, HDR_VALUE_CODEC, HDR_STRATEGY, HDR_OWNER_ATTEMPTS, HDR_SHARDS, MAX_SHARDS, ROOT_TABLE, STRATEGY_READ_MOSTLY, RM_DIRTY_ROOT, HDR_EPOCH, MAP_MAGIC, LAYOUT_VERSION, TS_STAGING,
  TS_STAGING_SIZE, STAGING_INITIAL_SIZE, maxB, CACHE_LINE, setGeometry,
} from "./layout";
import { load32, store32 } from "./lock";
import { initHeap, alloc, free } from "./alloc";
import { registerThread, unregisterThread, selfSlot, isRegistered } from "./thread";
import { handOffRetired } from "./epoch";
import { newTable } from "./evacuate";
import { loadIdentity, stagingArea } from "./map";
import { endAllIterations } from "./owner";
import { loadRoots, rootCount, rootAt } from "./root";

/** attach/initMap failures (negative, so a slot index can be the success value). */
export const ATTACH_TOO_MANY_THREADS: i32 = -1;
export const ATTACH_NOT_A_MAP: i32 = -2;
export const ATTACH_WRONG_VERSION: i32 = -3;
export const ATTACH_OUT_OF_MEMORY: i32 = -4;

/**
 * Writes a new map's header into a fresh memory and registers the calling thread.
 * Returns the thread's slot index, or a negative ATTACH_ code.
 */
export function initMap(
  seedLow: i32, seedHigh: i32, keyKind: u32, valueKind: u32, initialB: u32, lockSpins: u32,
  jsThreadId: u32, keyCodec: u32, valueCodec: u32, strategy: u32, ownerAttempts: u32, shards: u32,
): i32 {
  const heapStart = (__heap_base + CACHE_LINE - 1) & ~(CACHE_LINE - 1);
  setGeometry(keyKind); // before the first table is sized
  store<u32>(MAP_HEADER + HDR_LAYOUT_VERSION, LAYOUT_VERSION);
  store<u64>(MAP_HEADER + HDR_SEED, (<u64><u32>seedHigh << 32) | <u64><u32>seedLow);
  store<u32>(MAP_HEADER + HDR_KEY_KIND, keyKind);
  store<u32>(MAP_HEADER + HDR_VALUE_KIND, valueKind);
  store<u32>(MAP_HEADER + HDR_LOCK_SPINS, lockSpins);
  store<u32>(MAP_HEADER + HDR_HEAP_START, <u32>heapStart);
  store<u32>(MAP_HEADER + HDR_KEY_CODEC, keyCodec);
  store<u32>(MAP_HEADER + HDR_VALUE_CODEC, valueCodec);
  store<u32>(MAP_HEADER + HDR_STRATEGY, strategy);
  store<u32>(MAP_HEADER + HDR_OWNER_ATTEMPTS, ownerAttempts);
  store<u32>(MAP_HEADER + HDR_SHARDS, shards < MAX_SHARDS ? shards : MAX_SHARDS);
  store<u32>(MAP_HEADER + HDR_EPOCH, 0);
  initHeap(heapStart);
  const slot = registerThread(jsThreadId);
  if (slot < 0) return ATTACH_TOO_MANY_THREADS;
  if (!allocStaging(STAGING_INITIAL_SIZE)) return ATTACH_OUT_OF_MEMORY;
  loadRoots();
  for (let i: u32 = 0; i < rootCount(); i++) { // one table per root: shards split the capacity
    const table = newTable(initialB < maxB() ? initialB : maxB());
    if (table == 0) return ATTACH_OUT_OF_MEMORY;
    store32(rootAt(i) + ROOT_TABLE, <u32>table);
  }
  if (strategy == STRATEGY_READ_MOSTLY) {
    // The dirty root (readmostly.ts) starts empty but as large as the snapshot: a new map's first
    // keys all arrive there, so initialCapacity inserts cause no growth until the first promotion.
    const dirty = newTable(initialB < maxB() ? initialB : maxB());
    if (dirty == 0) return ATTACH_OUT_OF_MEMORY;
    store32(RM_DIRTY_ROOT + ROOT_TABLE, <u32>dirty);
  }
  store32(MAP_HEADER + HDR_MAGIC, MAP_MAGIC); // last: publishes everything above
  loadIdentity();
  return slot;
}

/**
 * Registers the calling thread with an existing map whose kinds are (keyCodec, valueCodec).
 * Returns its slot or a negative code.
 */
export function attach(jsThreadId: u32, keyCodec: u32, valueCodec: u32): i32 {
  if (load32(MAP_HEADER + HDR_MAGIC) != MAP_MAGIC) return ATTACH_NOT_A_MAP;
  if (load32(MAP_HEADER + HDR_LAYOUT_VERSION) != LAYOUT_VERSION) return ATTACH_WRONG_VERSION;
  if (load32(MAP_HEADER + HDR_KEY_CODEC) != keyCodec ||
      load32(MAP_HEADER + HDR_VALUE_CODEC) != valueCodec) return ATTACH_NOT_A_MAP;
  const slot = registerThread(jsThreadId);
  if (slot < 0) return ATTACH_TOO_MANY_THREADS;
  if (!allocStaging(STAGING_INITIAL_SIZE)) {
    unregisterThread();
    return ATTACH_OUT_OF_MEMORY;
  }
  loadIdentity();
  return slot;
}

/** The layout version a memory's header claims (0 if it is not a map's). */
export function headerVersion(): u32 {
  return load32(MAP_HEADER + HDR_MAGIC) == MAP_MAGIC ? load32(MAP_HEADER + HDR_LAYOUT_VERSION) : 0;
}

/** The map's strategy (STRATEGY_*), read by the facade at attach. */
export function headerStrategy(): u32 {
  return load32(MAP_HEADER + HDR_STRATEGY);
}

/** Shard roots of a sharded map (0 for every other strategy). */
export function headerShards(): u32 {
  return load32(MAP_HEADER + HDR_SHARDS);
}

/** Releases the calling thread's slot: what it retired goes on to others, its staging is freed. */
export function close(): void {
  if (!isRegistered()) return;
  endAllIterations();
  handOffRetired();
  const slot = selfSlot();
  free(load<u32>(slot, TS_STAGING), load<u32>(slot, TS_STAGING_SIZE));
  unregisterThread();
}

/**
 * Makes the staging area at least `bytes` long (for large keys, values and iteration batches),
 * keeping what it holds. Returns its address, or 0 when out of memory (the old area is kept).
 */
export function reserveStaging(bytes: u32): usize {
  if (!isRegistered()) return 0;
  const slot = selfSlot();
  const size = load<u32>(slot, TS_STAGING_SIZE);
  if (bytes <= size) return stagingArea();
  let next = size;
  while (next < bytes) next *= 2;
  const old = load<u32>(slot, TS_STAGING);
  if (!allocStaging(next)) return 0;
  // The facade may have staged a key already and be making room for its value: keep the bytes.
  memory.copy(load<u32>(slot, TS_STAGING), old, size);
  free(old, size); // only this thread ever reads its staging area
  loadIdentity();
  return stagingArea();
}

function allocStaging(bytes: u32): bool {
  const ptr = alloc(bytes);
  if (ptr == 0) return false;
  const slot = selfSlot();
  store<u32>(slot, <u32>ptr, TS_STAGING);
  store<u32>(slot, bytes, TS_STAGING_SIZE);
  return true;
}
