// The atomic flag CAS loop, bucket versions, wait/notify, and the ordered loads and stores that
// the reader/writer protocol is made of. With epoch.ts, the only file that calls atomic.*.
//
// Lock word (layout.ts, "Lock words"): 0 = free, otherwise owner slot + 1, plus LOCK_WAITERS once
// some thread sleeps on it. Acquire is a CAS from 0; a thread that fails spins `lockSpins` times,
// then marks the word LOCK_WAITERS and sleeps. The sleep goes through the imported `waitLock`
// (JS `Atomics.wait`), because V8 11.3's Liftoff tier (Node 20) miscompiles the in-Wasm
// `memory.atomic.wait32`: a lock built on it lost mutual exclusion (../shared/TOOLCHAIN.md).
// On the browser main thread, which may not block, the import spins instead.
//
// Why every protocol word goes through an atomic access: Wasm atomics are sequentially
// consistent, and the seqlock argument (assembly/README.md, "Why readers can trust what they
// validated") needs the data a writer stores between its two version stores to be ordered with
// them. Plain stores would be, on x86, but not under the Wasm memory model (nor on ARM). Two
// exceptions store plainly, each saying why where it does: a new entry's words before the
// tophash that publishes them (bucket.ts fillSlot), and a thread's own size stripe (thread.ts).
// Atomic loads cost a plain `mov` on x64; atomic stores an `xchg`.

import {
  LOCK_FREE, LOCK_WAITERS, LOCK_OWNER_MASK, HDR_LOCK_SPINS, MAP_HEADER,
  TS_LOCK_SPINS, TS_LOCK_WAITS,
} from "./layout";
import { selfSlot, selfOwner } from "./thread";

// Imported from the facade (src/core.ts). Parameters are i32, not usize: the raw bindings emit a
// broken wrapper for usize imports (TOOLCHAIN.md).
@external("env", "waitLock")
declare function waitLock(address: i32, expected: i32): void;

// ── Ordered access ─────────────────────────────────────────────────────────────────────────────
@inline export function load32(ptr: usize, offset: usize = 0): u32 {
  return atomic.load<u32>(ptr + offset);
}
/**
 * Beware `reinterpret<f64>(load64(…))`: Binaryen's avoid-reinterprets pass (asc -O2 and up) turns
 * it into a plain f64.load, atomic or not, and where the word has other uses too it adds that
 * plain load beside the atomic one. Where the order matters, reinterpret the result of an
 * operation the optimizer cannot fold away, not the loaded word (fast64.ts lean xors it with a
 * word that is 0 there).
 */
@inline export function load64(ptr: usize, offset: usize = 0): u64 {
  return atomic.load<u64>(ptr + offset);
}
@inline export function store32(ptr: usize, value: u32, offset: usize = 0): void {
  atomic.store<u32>(ptr + offset, value);
}
@inline export function store64(ptr: usize, value: u64, offset: usize = 0): void {
  atomic.store<u64>(ptr + offset, value);
}
@inline export function store8(ptr: usize, value: u8, offset: usize = 0): void {
  atomic.store<u8>(ptr + offset, value);
}
@inline export function add32(ptr: usize, delta: u32, offset: usize = 0): u32 {
  return atomic.add<u32>(ptr + offset, delta);
}
@inline export function swap64(ptr: usize, value: u64, offset: usize = 0): u64 {
  return atomic.xchg<u64>(ptr + offset, value);
}
@inline export function cas64(ptr: usize, expected: u64, next: u64, offset: usize = 0): u64 {
  return atomic.cmpxchg<u64>(ptr + offset, expected, next);
}
@inline export function cas32(ptr: usize, expected: u32, next: u32, offset: usize = 0): u32 {
  return atomic.cmpxchg<u32>(ptr + offset, expected, next);
}

// ── The lock ───────────────────────────────────────────────────────────────────────────────────
/** Tries once; true when the calling thread now holds the lock at `word`. */
@inline export function tryLock(word: usize): bool {
  return atomic.cmpxchg<u32>(word, LOCK_FREE, selfOwner()) == LOCK_FREE;
}

/**
 * Takes the lock at `word` (W3). Spins up to the map's lockSpins attempts, then sleeps.
 * Once a thread has slept it takes the lock as owner|LOCK_WAITERS, since other sleepers may
 * remain and the next unlock must wake them (the classic three-state futex mutex).
 */
export function lock(word: usize): void {
  const owner = selfOwner();
  if (atomic.cmpxchg<u32>(word, LOCK_FREE, owner) == LOCK_FREE) return;
  const spinLimit = atomic.load<u32>(MAP_HEADER + HDR_LOCK_SPINS);
  let spins: u32 = 0;
  while (spins < spinLimit) {
    spins++;
    if (atomic.load<u32>(word) == LOCK_FREE &&
        atomic.cmpxchg<u32>(word, LOCK_FREE, owner) == LOCK_FREE) {
      countSpins(spins);
      return;
    }
  }
  countSpins(spins);
  const slot = selfSlot();
  while (true) {
    let seen = atomic.load<u32>(word);
    if (seen == LOCK_FREE) {
      if (atomic.cmpxchg<u32>(word, LOCK_FREE, owner | LOCK_WAITERS) == LOCK_FREE) return;
      continue;
    }
    if ((seen & LOCK_WAITERS) == 0) {
      // Announce a sleeper before sleeping, or the owner's unlock would not notify.
      if (atomic.cmpxchg<u32>(word, seen, seen | LOCK_WAITERS) != seen) continue;
      seen |= LOCK_WAITERS;
    }
    atomic.add<u32>(slot, 1, TS_LOCK_WAITS);
    waitLock(<i32>word, <i32>seen);
  }
}

/** Releases the lock at `word` (W8), waking one sleeper if any announced itself. */
export function unlock(word: usize): void {
  const prev = atomic.xchg<u32>(word, LOCK_FREE);
  if (prev & LOCK_WAITERS) atomic.notify(word, 1);
}

/** The thread slot + 1 that holds the lock, or 0 (for diagnostics and dead-thread recovery). */
@inline export function lockOwner(word: usize): u32 {
  return atomic.load<u32>(word) & LOCK_OWNER_MASK;
}

/** Adds a wait's spins to this thread's lockSpins counter (stats). */
export function countSpins(spins: u32): void {
  if (spins > 0) atomic.add<u32>(selfSlot(), spins, TS_LOCK_SPINS);
}

// ── Waiting on other words (rwlock.ts) ─────────────────────────────────────────────────────────
/** Sleeps while the word at `word` holds `expected` (through waitLock: see the top of this file). */
@inline export function waitWord(word: usize, expected: u32): void {
  atomic.add<u32>(selfSlot(), 1, TS_LOCK_WAITS);
  waitLock(<i32>word, <i32>expected);
}

/**
 * The map's lockSpins: how many times a thread waiting on a word rereads it before it sleeps.
 * lock() spins this long on a bucket lock; rwlock.ts's waits (L2, L3) spin as long, since a
 * holder's operation takes far less time than a sleep and its wake-up.
 */
@inline export function spinLimit(): u32 {
  return atomic.load<u32>(MAP_HEADER + HDR_LOCK_SPINS);
}

/** Wakes every thread sleeping on `word`. */
@inline export function notifyAll(word: usize): void {
  atomic.notify(word, u32.MAX_VALUE);
}
