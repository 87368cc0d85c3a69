// Tombstones are reused (assembly/README.md C4, C6, C7). In a 'concurrent' map of number keys a
// delete leaves a soft tombstone: the slot stays its key's, and only an insert that finds its
// chain full hardens it and, three epochs later, takes the slot. Nothing else moves the epoch for
// them: soft deletes do not tick (epoch.ts), so the inserter's own collects (map.ts
// ageTombstones) must age what it hardened. Were they missing, every chain would link a bucket
// once its 8 slots held tombstones.

import { describe, expect, it } from 'vitest';
import { ConcurrentMap } from 'sharemap';
import { checkInvariants, debugModule } from 'sharemap/testing';

describe('tombstone reuse', () => {
  it('a sliding window of fresh number keys fills every chain with tombstones 3 times over, and links no bucket', async () => {
    // 2^14 buckets for 100 live keys: no chain holds 9 live keys at once, so no insert needs a
    // bucket for live keys, and 400,000 inserts bring about 24 keys to each chain.
    const LIVE = 100;
    const INSERTS = 400_000;
    const map = await ConcurrentMap.create({ key: 'number', value: 'number', initialCapacity: 100_000, module: await debugModule() });
    for (let key = 0; key < LIVE; key++) map.set(key, key);
    const before = map.stats();
    for (let key = LIVE; key < LIVE + INSERTS; key++) {
      map.set(key, key);
      expect(map.delete(key - LIVE)).toBe(true);
    }
    const after = map.stats();
    expect(after.B).toBe(before.B);
    expect(after.growing).toBe(false);
    expect(after.overflowBuckets, `overflow buckets of ${2 ** after.B}`).toBe(0);
    expect(map.size).toBe(LIVE);
    for (let key = INSERTS; key < LIVE + INSERTS; key++) expect(map.get(key)).toBe(key);
    expect(map.has(INSERTS - 1)).toBe(false);
    expect(checkInvariants(map)).toBe(0);
  });
});
