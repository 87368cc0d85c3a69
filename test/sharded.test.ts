// Strategy 'sharded' on one thread: the option's checks, the shard count recorded in the map,
// keys spread over every shard's table, and whole-map operations (iteration, clear, size) that
// cover all shards. The API suite and the stress suites run on 'sharded' in test/strategies/.
import { describe, expect, it } from 'vitest';
import { ConcurrentMap } from 'sharemap';
import { checkInvariants, coreExports, debugModule } from 'sharemap/testing';

async function shardedMap(options: Record<string, unknown> = {}) {
  return ConcurrentMap.create({
    key: 'number', value: 'number', strategy: 'sharded', module: await debugModule(), maxMemory: 64 * 2 ** 20, ...options,
  } as any) as Promise<ConcurrentMap<number, number>>;
}

describe("strategy 'sharded'", () => {
  it('shards is checked, naming the option and the limit, and applies to this strategy only', async () => {
    for (const bad of [0, 257, 1.5, -3, NaN, '8']) {
      await expect(shardedMap({ shards: bad })).rejects.toThrow(/options\.shards must be a whole number from 1 to 256/);
    }
    await expect(ConcurrentMap.create({ key: 'number', value: 'number', shards: 4 } as any))
      .rejects.toThrow(/options\.shards applies only to strategy 'sharded'/);
    for (const shards of [1, 3, 256]) {
      const map = await shardedMap({ shards });
      map.set(1, 1);
      expect(map.get(1)).toBe(1);
      expect(map.stats().buckets).toBe(shards); // one first table of one bucket per shard
    }
  });

  it('is recorded in the map: attach gets the strategy and the shards, and sees every key', async () => {
    const map = await shardedMap({ shards: 7 });
    for (let i = 0; i < 5000; i++) map.set(i, i);
    const other = ConcurrentMap.attach<number, number>(map.handle);
    expect(other.strategy).toBe('sharded');
    for (let i = 0; i < 5000; i += 13) expect(other.get(i)).toBe(i);
    other.set(-1, -1);
    expect(map.get(-1)).toBe(-1);
  });

  it('keys spread over every shard: each grows, and the tables together fit the load', async () => {
    const map = await shardedMap({ shards: 16 });
    for (let i = 0; i < 50_000; i++) map.set(i, i);
    const stats = map.stats();
    // Evenly spread, each of 16 tables holds ~3,125 keys: about 512 buckets at load 6.5.
    expect(stats.buckets).toBeGreaterThanOrEqual(16 * 256);
    expect(stats.buckets).toBeLessThanOrEqual(16 * 1024);
    expect(checkInvariants(map)).toBe(0);
  });

  it('checkInvariants finds an entry in a shard its hash does not name (invariant 8)', async () => {
    // Same-sized shards, so that swapping two shards' tables keeps every entry in its bucket:
    // only the shard is wrong, which invariant 1 (the bucket) cannot see.
    const map = await shardedMap({ shards: 4, initialCapacity: 4000 });
    for (let i = 0; i < 200; i++) map.set(i, i);
    expect(map.stats().buckets % 4).toBe(0);
    expect(checkInvariants(map)).toBe(0);
    const core = coreExports(map);
    core.debugSwapShardTables(0, 1);
    expect(checkInvariants(map)).toBe(8);
    core.debugSwapShardTables(0, 1);
    expect(checkInvariants(map)).toBe(0);
    for (let i = 0; i < 200; i++) expect(map.get(i)).toBe(i);
  });

  it('iteration, size and clear cover every shard', async () => {
    const map = await shardedMap({ shards: 5, initialCapacity: 1000 });
    for (let i = 0; i < 3000; i++) map.set(i, i * 2);
    const seen = new Set<number>();
    for (const [k, v] of map) {
      expect(seen.has(k)).toBe(false);
      expect(v).toBe(k * 2);
      seen.add(k);
    }
    expect(seen.size).toBe(3000);
    expect(map.size).toBe(3000);
    map.clear();
    expect(map.size).toBe(0);
    expect([...map.keys()]).toEqual([]);
    map.set(1, 1);
    expect([...map]).toEqual([[1, 1]]);
    expect(checkInvariants(map)).toBe(0);
  });
});
