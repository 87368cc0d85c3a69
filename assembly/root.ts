// Roots: which table an operation works on. A root (layout.ts, "Roots") holds a current table, a
// growth's old table and its grow lock. Maps of every strategy but 'sharded' have one root, in
// the map header; a sharded map has `shards` of them, and a key's hash picks its root (setRoot
// in map.ts, from the probe's hash), so the shards are N independent tables over the same code.
//
// Strategy 'read-mostly' has two roots: root 0 holds the read snapshot, RM_DIRTY_ROOT the dirty
// table (readmostly.ts), and an operation switches between them with useReadRoot/useDirtyRoot.
//
// This thread's current root is a module global (per thread, as every global): set once per
// operation before any table is read, read by map.ts, evacuate.ts, iterate.ts, clear.ts.

import {
  MAP_HEADER, HDR_ROOT, HDR_SHARDS, HDR_STRATEGY, HDR_RM_DIRTY, STRATEGY_READ_MOSTLY, SHARD_ROOTS,
  ROOT_SIZE, RM_DIRTY_ROOT,
} from "./layout";
import { load32 } from "./lock";
import { totalCount } from "./thread";

let root: usize = MAP_HEADER + HDR_ROOT;
/** 0 for maps with one root; otherwise the number of shard roots. */
let shards: u32 = 0;

/** Strategy 'read-mostly': two roots of unequal shares (rootEntries). */
let readMostly: bool = false;

/** Called at attach (map.ts loadIdentity): the header says how many roots there are. */
export function loadRoots(): void {
  shards = load<u32>(MAP_HEADER + HDR_SHARDS);
  readMostly = load<u32>(MAP_HEADER + HDR_STRATEGY) == STRATEGY_READ_MOSTLY;
  root = shards == 0 ? MAP_HEADER + HDR_ROOT : SHARD_ROOTS;
}

@inline export function currentRoot(): usize { return root; }
@inline export function rootCount(): u32 { return shards == 0 ? 1 : shards; }
@inline export function rootAt(index: u32): usize {
  return shards == 0 ? MAP_HEADER + HDR_ROOT : SHARD_ROOTS + <usize>index * ROOT_SIZE;
}
@inline export function useRoot(index: u32): void { root = rootAt(index); }

/**
 * Picks the root of a key from its hash: bits 32 and up, which neither the bucket index (the low
 * B bits, B <= 23) nor the tophash (the top 8) use, so every shard's table is filled evenly.
 */
@inline export function useRootOf(hash: u64): void {
  if (shards != 0) root = rootAt(shardOf(hash));
}

/** The shard of a key's hash in a sharded map (useRootOf; debug.ts checks entries against it). */
@inline export function shardOf(hash: u64): u32 { return <u32>(hash >> 32) % shards; }

/** Strategy 'read-mostly' (readmostly.ts): the read snapshot is root 0, the dirty table its own root. */
@inline export function useReadRoot(): void { root = MAP_HEADER + HDR_ROOT; }
@inline export function useDirtyRoot(): void { root = RM_DIRTY_ROOT; }

/**
 * About how many entries the current root holds: the load G1 (evacuate.ts maybeGrow) weighs.
 * Sharded maps: an even share, keys spreading over the shards by hash. Read-mostly: the dirty
 * table holds rmDirty of them and the snapshot the rest; an even split would grow the dirty
 * table for the snapshot's entries too (it did: double the buckets, memory past the churn bound).
 */
export function rootEntries(): i64 {
  if (!readMostly) return totalCount() / <i64>rootCount();
  const dirty = <i64>load32(MAP_HEADER + HDR_RM_DIRTY);
  if (root == RM_DIRTY_ROOT) return dirty;
  const rest = totalCount() - dirty;
  return rest < 0 ? 0 : rest;
}
