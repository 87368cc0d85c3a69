// A lock-free reader does not pin (assembly/README.md R1): the table it reads may be retired,
// freed and reused while it reads. R6 re-reads `tablesGen`, which every retirement of a table
// moves first (G5), and rejects the read; tasks/retired-table.mjs says how this test plays the
// reuse. Without that re-read, on the lean path of number-key maps (assembly/fast64.ts lean) as
// on the probe that short string keys take (fast64.ts probe), the reader returns another key's
// value for its key.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, debugMap, task } from './harness.js';
import { bucketKey, numberValue, sharedWords } from './tasks/common.mjs';

const KEY_SPACE = 1 << 24;
/** Spins of the reader between key and value: far longer than the writer's growth and reuse. */
const STALL_SPINS = 1_000_000_000;
/** assembly/layout.ts: MAP_HEADER (1024) + HDR_ROOT (64), the current table's address. */
const TABLE = 1088;
/** assembly/layout.ts: a table's header before its first bucket. */
const TABLE_HEADER = 128;

// The head bucket's bytes up to and with its overflow link, and where its slots start and how
// long each is, per key kind (assembly/layout.ts, "Buckets").
const GEOMETRY = {
  number: { used: 148, slotsAt: 16, slotBytes: 16 },
  string: { used: 292, slotsAt: 32, slotBytes: 32 },
} as const;

describe.each(['number', 'string'] as const)('a read of a table retired and reused under it, %s keys', (keyKind) => {
  it('is rejected by the tables generation, and the key\'s own value returned', async () => {
    const map: any = await debugMap({ key: keyKind, value: 'number', initialCapacity: 0 });
    const k = (key: number) => bucketKey(keyKind, key);
    for (let key = 0; key < 5; key++) map.set(k(key), numberValue(key, 1, KEY_SPACE));
    expect(map.stats().B).toBe(0);
    const { used, slotsAt, slotBytes } = GEOMETRY[keyKind];
    const head = new Uint32Array(map.handle.memory.buffer)[TABLE / 4] + TABLE_HEADER;
    const key = 3;
    // The key's slot: the one whose value word is the key's value (values name their key).
    const f64 = new Float64Array(map.handle.memory.buffer);
    const slot = [0, 1, 2, 3, 4, 5, 6, 7].find((s) => f64[(head + slotsAt + slotBytes * s + 8) / 8] === numberValue(key, 1, KEY_SPACE));
    expect(slot).toBeDefined();
    const valueAt = head + slotsAt + slotBytes * slot! + 8;
    const saved = new Uint8Array(map.handle.memory.buffer).slice(head, head + used);
    const foreign = numberValue(4, 7, KEY_SPACE);
    const words = sharedWords(4);
    try {
      const [reader, writer] = (await runWorkers({
        task: task('retired-table'), threads: 2, map,
        args: { words, key: k(key), other: k(0), stall: STALL_SPINS, head, saved, valueAt, foreign },
        timeoutMs: RUN_TIMEOUT_MS,
      })) as [{ value: number }, { started: boolean; growing: boolean; genMoved: boolean; readerStillInside: boolean }];
      // The race was the one meant: a retirement during the read, the reuse written before it ended.
      expect(writer).toEqual({ started: true, growing: false, genMoved: true, readerStillInside: true });
      expect(reader.value).toBe(numberValue(key, 1, KEY_SPACE));
    } finally {
      Atomics.store(words, 1, 1);
    }
    for (let key = 1; key < 5; key++) expect(map.get(k(key))).toBe(numberValue(key, 1, KEY_SPACE));
    expect(checkInvariants(map)).toBe(0);
  });
});
