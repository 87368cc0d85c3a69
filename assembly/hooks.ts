// Test hooks of the debug target: they widen a race window so that a test with real threads
// hits the race on demand, not once in a million runs. In the release target (noAssert, so
// ASC_NO_ASSERT is true) every hook compiles to nothing.
//
// readStall: a lock-free reader that matched a key (or an iterator that read a slot's key) waits
// here before it reads the value slot, long enough for a writer to delete and insert in the same
// bucket meanwhile. Only the reader's version re-check (R6 in assembly/README.md), and its
// reading a tombstone as "absent" (R6a), then keep it from returning another key's value or a
// deleted one (test/concurrency/one-bucket.test.ts, cas-overwrites.test.ts).
//
// writeStall: a writer on the fast path that searched the chain waits here before it writes.
// Without the lock (fast64.ts casLive, C2–C3 in assembly/README.md): between finding its key's
// slot and the CAS, long enough for other threads to delete the key and insert another, clear
// the bucket, or evacuate it; only C4–C6 then keep the CAS on the key's own entry
// (test/concurrency/cas-overwrites.test.ts, one-bucket.test.ts). With the lock (fast64.ts
// lockIn): before it inserts the key it did not find, long enough for another writer to insert
// the same key; only the chain lock, taken before the search (W3), keeps the key in the map once
// (test/concurrency/first-insert.test.ts).
//
// publishStall: an insert into an empty slot, or into its key's own tombstone, that stored the
// entry's words waits here before the tophash store that publishes them (W6b in
// assembly/README.md), long enough for readers to look at the slot meanwhile; only the order of
// the stores (words first) then keeps a reader from pairing the key with the slot's old value
// word (test/concurrency/one-bucket.test.ts, string values).
//
// linkStall: a writer without the lock (fast64.ts findLive, C2) waits here after following an
// overflow link, before it reads that bucket, long enough for another thread to evacuate the
// chain. The evacuation retires the chain's overflow buckets, and retire (epoch.ts) writes its
// list link over a retired block's tophashes: only C2's check of the chain for EVACUATED then
// keeps a delete that missed its key there from answering "absent" while the key is in the new
// table (test/concurrency/cas-overwrites.test.ts, 'stale').
//
// missStall: a lock-free reader of a read-mostly map that missed the snapshot waits here, before
// it asks whether the dirty table is empty, until tablesGen moves (at most missStallSpins loads):
// a rendezvous with the next promotion, which moves the key it wants from the dirty table into a
// new snapshot and empties the dirty table. Only M1's tablesGen check then keeps the reader from
// answering "absent" (test/concurrency/read-mostly.test.ts, run B).

import { MAP_HEADER, HDR_TABLES_GEN } from "./layout";

/** Spins per readStall in this thread; set by a test through the debug export. */
let readStallSpins: u32 = 0;

export function setReadStall(spins: u32): void {
  readStallSpins = spins;
}

/** Spins per writeStall in this thread; set by a test through the debug export. */
let writeStallSpins: u32 = 0;

export function setWriteStall(spins: u32): void {
  writeStallSpins = spins;
}

@inline export function writeStall(): void {
  if (!ASC_NO_ASSERT) spin(writeStallSpins);
}

/** Spins per publishStall in this thread; set by a test through the debug export. */
let publishStallSpins: u32 = 0;

export function setPublishStall(spins: u32): void {
  publishStallSpins = spins;
}

@inline export function publishStall(): void {
  if (!ASC_NO_ASSERT) spin(publishStallSpins);
}

/** Spins per linkStall in this thread; set by a test through the debug export. */
let linkStallSpins: u32 = 0;

export function setLinkStall(spins: u32): void {
  linkStallSpins = spins;
}

@inline export function linkStall(): void {
  if (!ASC_NO_ASSERT) spin(linkStallSpins);
}

/** Spins per missStall in this thread; set by a test through the debug export. */
let missStallSpins: u32 = 0;

export function setMissStall(spins: u32): void {
  missStallSpins = spins;
}

@inline export function missStall(): void {
  if (!ASC_NO_ASSERT) {
    const gen = atomic.load<u32>(MAP_HEADER + HDR_TABLES_GEN);
    for (let i: u32 = 0; i < missStallSpins; i++) {
      if (atomic.load<u32>(MAP_HEADER + HDR_TABLES_GEN) != gen) break;
    }
  }
}

@inline export function readStall(): void {
  if (!ASC_NO_ASSERT) spin(readStallSpins);
}

/** An atomic load per spin, so the optimizer cannot drop the loop. */
@inline function spin(spins: u32): void {
  for (let i: u32 = 0; i < spins; i++) atomic.load<u32>(MAP_HEADER);
}
