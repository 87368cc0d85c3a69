// A lock-free reader does not pin (assembly/README.md R1): the table it reads may be retired,
// freed and reused while it reads. R6 re-reads `tablesGen`, which every retirement of a table
// moves first (G5), and rejects the read; tasks/retired-table.mjs says how this test plays the
// reuse. Without that re-read on the lean path of these maps (assembly/fast64.ts lean), the
// reader returns another key's value for its key.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, debugMap, task } from './harness.js';
import { numberValue, sharedWords } from './tasks/common.mjs';

const KEY_SPACE = 1 << 24;
/** Spins of the reader between key and value: far longer than the writer's growth and reuse. */
const STALL_SPINS = 200_000_000;
/** assembly/layout.ts: MAP_HEADER (1024) + HDR_ROOT (64), the current table's address. */
const TABLE = 1088;
/** assembly/layout.ts: a table's header before its first bucket, and a bucket's slots' start. */
const TABLE_HEADER = 128;
const SLOTS_AT = 16;

describe('a read of a table retired and reused under it', () => {
  it('is rejected by the tables generation, and the key\'s own value returned', async () => {
    const map: any = await debugMap({ key: 'number', value: 'number', initialCapacity: 0 });
    for (let key = 0; key < 5; key++) map.set(key, numberValue(key, 1, KEY_SPACE));
    expect(map.stats().B).toBe(0);
    const u32 = new Uint32Array(map.handle.memory.buffer);
    const f64 = new Float64Array(map.handle.memory.buffer);
    const head = u32[TABLE / 4] + TABLE_HEADER;
    const key = 3;
    const slot = [0, 1, 2, 3, 4, 5, 6, 7].find((s) => f64[(head + SLOTS_AT + 16 * s) / 8] === key)!;
    expect(slot).toBeGreaterThanOrEqual(0);
    const at = head + SLOTS_AT + 16 * slot;
    const saved = {
      tophashLow: u32[head / 4], tophashHigh: u32[head / 4 + 1], version: u32[head / 4 + 3],
      keyLow: u32[at / 4], keyHigh: u32[at / 4 + 1],
    };
    const foreign = numberValue(4, 7, KEY_SPACE);
    const words = sharedWords(4);
    try {
      const [reader, writer] = (await runWorkers({
        task: task('retired-table'), threads: 2, map,
        args: { words, key, other: 0, stall: STALL_SPINS, head, slot, saved, foreign },
        timeoutMs: RUN_TIMEOUT_MS,
      })) as [{ value: number }, { started: boolean; growing: boolean; genMoved: boolean; readerStillInside: boolean }];
      // The race was the one meant: a retirement during the read, the reuse written before it ended.
      expect(writer).toEqual({ started: true, growing: false, genMoved: true, readerStillInside: true });
      expect(reader.value).toBe(numberValue(key, 1, KEY_SPACE));
    } finally {
      Atomics.store(words, 1, 1);
    }
    for (let k = 1; k < 5; k++) expect(map.get(k)).toBe(numberValue(k, 1, KEY_SPACE));
    expect(checkInvariants(map)).toBe(0);
  });
});
