// The thread registry: each thread that uses a map holds one thread slot in the map header.
//
// Every thread instantiates the module for itself, so module globals are per thread: the two
// globals below are this thread's identity and nothing else. Everything shared is in the slot.
// A slot holds the thread's epoch (epoch.ts), its striped size counter, its lock statistics, its
// staging area and its retire bins. The slot index + 1 is the owner id written into lock words.
//
// Roles: register/unregister run on the owning thread; other threads only read a slot's epoch,
// count and statistics (atomic loads), and CAS `state` when looking for a free slot.

import {
  MAX_THREADS, THREAD_FREE, THREAD_ACTIVE, TS_STATE, TS_JS_THREAD_ID, TS_COUNT, TS_EPOCH,
  TS_STAGING, TS_STAGING_SIZE, TS_RETIRE_COUNT, TS_ITERATING, HDR_THREAD_HIGH, MAP_HEADER, threadSlot,
} from "./layout";
import { load32, store32, cas32 } from "./lock";

let selfIndex: u32 = 0;
let selfAddress: usize = 0;

/** Address of the calling thread's slot. Precondition: registerThread succeeded. */
@inline export function selfSlot(): usize { return selfAddress; }
/** The calling thread's id in lock words: slot index + 1, so that 0 can mean "free". */
@inline export function selfOwner(): u32 { return selfIndex + 1; }
@inline export function isRegistered(): bool { return selfAddress != 0; }

/**
 * Claims a free slot for the calling thread; returns its index, or -1 when all MAX_THREADS are
 * taken. The slot's counters are kept from its previous owner: size is the sum over all slots,
 * so a closed thread's inserts must stay counted.
 */
export function registerThread(jsThreadId: u32): i32 {
  for (let i: u32 = 0; i < MAX_THREADS; i++) {
    const slot = threadSlot(i);
    if (cas32(slot, THREAD_FREE, THREAD_ACTIVE, TS_STATE) != THREAD_FREE) continue;
    store<u32>(slot, jsThreadId, TS_JS_THREAD_ID);
    store32(slot, 0, TS_EPOCH);
    store<u32>(slot, 0, TS_RETIRE_COUNT);
    store32(slot, 0, TS_ITERATING);
    selfIndex = i;
    selfAddress = slot;
    // Readers of the striped counters look at slots below threadHigh only.
    let high = load32(MAP_HEADER + HDR_THREAD_HIGH);
    while (high < i + 1) {
      const seen = cas32(MAP_HEADER + HDR_THREAD_HIGH, high, i + 1);
      if (seen == high) break;
      high = seen;
    }
    return <i32>i;
  }
  return -1;
}

/** Gives the slot back. Precondition: the caller already handed its retire bins on (epoch.ts). */
export function unregisterThread(): void {
  const slot = selfAddress;
  store<u32>(slot, 0, TS_STAGING);
  store<u32>(slot, 0, TS_STAGING_SIZE);
  store32(slot, THREAD_FREE, TS_STATE);
  selfAddress = 0;
  selfIndex = 0;
}

/** Slots ever registered: the range that size() and the epoch collector scan. */
@inline export function threadHigh(): u32 {
  return load32(MAP_HEADER + HDR_THREAD_HIGH);
}

/**
 * Adds to the calling thread's stripe of the size counter. Only this thread writes it, so a
 * plain load and store suffice, and save an insert or a delete one `xchg` of its seven or eight
 * atomic writes. Another thread's totalCount may load the stripe while it is written: an aligned
 * 32-bit access does not tear, so it reads the old count or the new one, as it would the
 * stripes of writes still in flight anyway. A thread that synchronised with this one after the
 * write (an atomic this thread stored later, a worker's exit or message) reads the new one.
 */
@inline export function countEntries(delta: i32): void {
  const slot = selfAddress;
  store<u32>(slot, load<u32>(slot, TS_COUNT) + <u32>delta, TS_COUNT);
}

/** The sum of every stripe: exact when no write is in flight, approximate during writes. */
export function totalCount(): i64 {
  const high = threadHigh();
  let sum: i32 = 0; // stripes wrap independently; their sum is right modulo 2^32
  for (let i: u32 = 0; i < high; i++) sum += <i32>load32(threadSlot(i), TS_COUNT);
  return sum < 0 ? 0 : <i64>sum;
}
