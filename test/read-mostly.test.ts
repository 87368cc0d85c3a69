// Strategy 'read-mostly' on one thread: when a promotion happens, what it frees, and how often a
// promotion that cannot get memory is tried again (assembly/readmostly.ts, M6–M7). The counters
// are the core's (readMostlyCounter); the multi-worker proof that reads of the snapshot take no
// lock is test/concurrency/read-mostly.test.ts, and the whole API suite runs on this strategy in
// test/strategies/*.read-mostly.test.ts.
import { describe, expect, it } from 'vitest';
import { ConcurrentMap, ConcurrentMapError } from 'sharemap';
import { checkInvariants, coreExports, debugModule } from 'sharemap/testing';

/** readMostlyCounter's indices (assembly/readmostly.ts). */
const LOCKED_READS = 0;
const PROMOTIONS = 1;
const DIRTY = 3;
const FAILED = 4;

async function readMostlyMap(maxMemory?: number) {
  const map = await ConcurrentMap.create({
    key: 'number', value: 'number', strategy: 'read-mostly', module: await debugModule(),
    ...(maxMemory === undefined ? {} : { maxMemory }),
  });
  const x = coreExports(map);
  return { map, counter: (which: number) => x.readMostlyCounter(which) };
}

/** A NaN with the given high and low 32 bits. */
const nanFromBits = (high: number, low: number) => new Float64Array(new Uint32Array([low, high]).buffer)[0];

describe("strategy 'read-mostly'", () => {
  it('is recorded in the map: attach gets the strategy and sees keys of both tables', async () => {
    const { map } = await readMostlyMap();
    for (let i = 0; i < 3000; i++) map.set(i, i);
    for (let i = 0; i < 3000; i++) map.get(i); // promotes: these are in the snapshot now
    for (let i = 3000; i < 5000; i++) map.set(i, i); // and these in the dirty table
    const other = ConcurrentMap.attach<number, number>(map.handle);
    expect(other.strategy).toBe('read-mostly');
    for (let i = 0; i < 5000; i += 7) expect(other.get(i)).toBe(i);
    other.set(-1, -1);
    expect(map.get(-1)).toBe(-1);
    other.close();
    map.close();
  });

  it("a NaN value with the DELETED mark's bits is stored as NaN, not read as a delete", async () => {
    const { map } = await readMostlyMap();
    // assembly/layout.ts VALUE_DELETED, a signalling NaN: the core canonicalises NaN values.
    const deletedBits = nanFromBits(0x7ff40000, 0);
    map.set(1, 1);
    map.get(1); // promotes: key 1 is in the snapshot, where a delete would write the mark
    map.set(1, deletedBits);
    map.set(2, deletedBits);
    expect(map.compareAndSet(1, NaN, deletedBits)).toBe(true);
    expect(map.getOrInsert(3, deletedBits)).toBeNaN();
    for (const key of [1, 2, 3]) {
      expect(map.has(key)).toBe(true);
      expect(map.get(key)).toBeNaN();
    }
    expect(map.size).toBe(3);
    expect([...map.keys()].sort()).toEqual([1, 2, 3]);
    expect(checkInvariants(map)).toBe(0);
    map.close();
  });
});

describe("strategy 'read-mostly' promotion", () => {
  it('promotes once the misses reach the size, after which the same reads take no lock', async () => {
    const { map, counter } = await readMostlyMap();
    const n = 5000;
    for (let i = 0; i < n; i++) map.set(i, i * 2);
    expect(counter(DIRTY)).toBe(n); // no read yet: every key is in the dirty table
    for (let i = 0; i < n - 1; i++) expect(map.get(i)).toBe(i * 2);
    expect(counter(PROMOTIONS)).toBe(0); // n - 1 misses: not yet
    expect(map.get(n - 1)).toBe((n - 1) * 2);
    expect(counter(PROMOTIONS)).toBe(1);
    expect(counter(DIRTY)).toBe(0);
    const locked = counter(LOCKED_READS);
    for (let i = 0; i < n; i++) expect(map.get(i)).toBe(i * 2);
    expect(map.get(n)).toBeUndefined(); // a miss with an empty dirty table needs no lock either
    expect(counter(LOCKED_READS)).toBe(locked);
    expect(checkInvariants(map)).toBe(0);
    map.close();
  });

  it('frees the old tables at once when no other thread is pinned', async () => {
    const { map, counter } = await readMostlyMap();
    const n = 5000;
    for (let i = 0; i < n; i++) map.set(i, i);
    const before = map.stats().memoryUsed;
    for (let i = 0; i < n; i++) map.get(i);
    expect(counter(PROMOTIONS)).toBe(1);
    // The new snapshot takes the dirty table's place, at the same B. Old tables still waiting
    // in this thread's retire bins would count one more table of that size (they did, until
    // the promotion handed them to the reclaimer itself: epoch.ts reclaimNow).
    expect(map.stats().memoryUsed).toBeLessThanOrEqual(before);
    map.close();
  });

  it('a promotion that runs out of memory changes nothing and is tried again only when the misses double', async () => {
    const { map, counter } = await readMostlyMap(1 << 20);
    let n = 0;
    let error: unknown;
    for (;; n++) {
      try {
        map.set(n, n * 2);
      } catch (caught) {
        error = caught;
        break;
      }
      if (n > 1_000_000) throw new Error('1 MiB never filled up');
    }
    expect((error as ConcurrentMapError).code).toBe('OUT_OF_MEMORY');
    expect(counter(DIRTY)).toBe(n); // the whole map is in the dirty table, with no room for a copy
    const readAll = () => {
      let wrong = 0;
      for (let i = 0; i < n; i++) if (map.get(i) !== i * 2) wrong++;
      return wrong;
    };
    // Attempts at n, 2n and 4n misses; without the back-off, every miss from n on would copy.
    const expected = [1, 2, 2, 3];
    for (const failed of expected) {
      expect(readAll()).toBe(0);
      expect(counter(FAILED)).toBe(failed);
      expect(counter(PROMOTIONS)).toBe(0);
    }
    expect(map.size).toBe(n);
    expect(checkInvariants(map)).toBe(0);
    // An iteration tries once more whatever the misses (it is O(n) itself, as the copy is), and
    // when that fails too it reads both tables: every key once.
    const keys = [...map.keys()];
    expect(counter(FAILED)).toBe(4);
    expect(keys).toHaveLength(n);
    expect(new Set(keys).size).toBe(n);
    map.close();
  });
});
