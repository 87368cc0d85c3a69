// The reader's fast path: `getValue` returns the value itself, and `has` and `getValue` answer
// for inline keys without leaving this file. Both read the current root lock-free, as strategy
// 'concurrent' reads; 'owned', 'rwlock' and 'sharded' call them inside their own read bracket
// (O5, L3, S2–S4), which a read of the same table needs in any case.
//
// For inline keys with inline values (number or int32 both ways) the probe repeats the
// reference read (table.ts readChain, steps R2–R6 in assembly/README.md) on purpose, as Go's
// runtime_fast64.go repeats its generic map code: hash, probe and bucket scan in the locals of one
// function, no module global written on a hit, no result stored in staging. The general path
// (map.ts get) makes three calls inside the core and stores the value to staging for JS to load
// back; on a 1K-entry map this path took 0.56x its time, on 1M entries 0.73x (the raw calls, in
// the manner of bench/ab-core.js).
//
// Anything off the common case goes to map.ts: a growth in progress (the key may be in the old
// table), a chain being written (R5) or evacuated, a version or tables generation that changed
// under the read (R6). The caller then gets exactly what map.ts gives.
//
// getValue's result: the value, or NaN when there is none, *or* the value is NaN itself, or the
// value is a blob (in staging, as map.ts get leaves it), or the operation needs the facade
// (NEEDS_SPACE and the other statuses). `lastStatus()` then says which; the facade asks for it
// only after a NaN, so a hit on a number costs one call.

import {
  ROOT_TABLE, ROOT_OLD_TABLE, VERSION_WRITING, VERSION_EVACUATED, KEY_NUMBER,
  KEY_BLOB, VALUE_BLOB, STAGE_RESULT, BUCKET_SIZE, tableBucket, tableMask,
} from "./layout";
import { FOUND, NOT_FOUND } from "./status";
import { hashInline, tophash, numberKeyBits } from "./hash";
import { load32 } from "./lock";
import { matchTophash, matchEmpty, firstSlot, tophashes, overflowOf, slotKey, slotValue, version } from "./bucket";
import { tablesGen } from "./table";
import { currentRoot } from "./root";
import { inBounds } from "./keys";
import { readStall } from "./hooks";
import { get, has as hasGeneral, stagingArea, mapKeyKind, mapValueKind, mapSeed } from "./map";

// probe's answer when its return value is SENTINEL (a value word can be any 64 bits, so the
// sentinel alone cannot say): written only on those paths, never on a plain hit.
const HIT: i32 = 0;
const MISS: i32 = 1;
const FALLBACK: i32 = 2;
const SENTINEL: u64 = 0xffffffffffffffff;
let outcome: i32 = HIT;
@inline function answer(why: i32): u64 {
  outcome = why;
  return SENTINEL;
}

/** R2–R6 on the current table only: the value word, or SENTINEL with `outcome` saying why. */
@inline function probe(key: f64): u64 {
  const bits = mapKeyKind() == KEY_NUMBER ? numberKeyBits(key) : <u64><u32><i32>key;
  const hash = hashInline(bits, mapSeed());
  const top = tophash(hash);
  const gen = tablesGen(); // R2
  const root = currentRoot();
  // Table first, then old table, as R2 orders them: seeing no old table after the table proves
  // no growth had started when the table was read (G2 stores oldTable before G3 stores table).
  const table = load32(root + ROOT_TABLE);
  if (load32(root + ROOT_OLD_TABLE) != 0) return answer(FALLBACK); // R3 needs the old table: map.ts
  const mask = tableMask(table);
  if (tablesGen() != gen) return answer(FALLBACK);
  const head = tableBucket(table, <u32>hash & mask);
  const v1 = version(head);
  if (v1 & (VERSION_WRITING | VERSION_EVACUATED)) return answer(FALLBACK);
  let bucket = head;
  while (true) {
    const tops = tophashes(bucket);
    let match = matchTophash(tops, top);
    while (match != 0) {
      const slot = firstSlot(match);
      if (slotKey(bucket, slot) == bits) {
        readStall();
        const value = slotValue(bucket, slot);
        if (version(head) != v1 || tablesGen() != gen) return answer(FALLBACK); // R6
        if (value == SENTINEL) outcome = HIT;
        return value;
      }
      match &= match - 1;
    }
    const next = overflowOf(bucket);
    if (matchEmpty(tops) != 0 || next == 0) break;
    if (version(head) != v1 || tablesGen() != gen || !inBounds(next, <u32>BUCKET_SIZE)) {
      return answer(FALLBACK); // R5
    }
    bucket = next;
  }
  if (version(head) != v1 || tablesGen() != gen) return answer(FALLBACK); // R6
  return answer(MISS);
}

/** FOUND, NOT_FOUND or another status for getValue's last NaN. */
let status: i32 = NOT_FOUND;
export function lastStatus(): i32 { return status; }

/** getValue's answer after a status-returning read (map.ts get and the strategies' gets). */
export function settle(result: i32): f64 {
  status = result;
  return result == FOUND && mapValueKind() != VALUE_BLOB ? load<f64>(stagingArea() + STAGE_RESULT) : NaN;
}

/**
 * The value of `key`, or NaN with lastStatus() saying why. Lock-free by itself (strategy
 * 'concurrent'); the other strategies call it inside their own read bracket, in the current root.
 */
export function getValue(key: f64): f64 {
  if (mapKeyKind() == KEY_BLOB || mapValueKind() == VALUE_BLOB) return settle(get(key));
  const word = probe(key);
  if (word != SENTINEL || outcome == HIT) {
    const value = reinterpret<f64>(word);
    if (value != value) status = FOUND;
    return value;
  }
  if (outcome == MISS) {
    status = NOT_FOUND;
    return NaN;
  }
  return settle(get(key));
}

/** FOUND or NOT_FOUND, as map.ts has answers; called as getValue is. */
export function has(key: f64): i32 {
  if (mapKeyKind() == KEY_BLOB) return hasGeneral(key);
  const word = probe(key);
  if (word != SENTINEL || outcome == HIT) return FOUND;
  return outcome == MISS ? NOT_FOUND : hasGeneral(key);
}
