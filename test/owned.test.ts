// Strategy 'owned' on one JS thread: two instances attached to one map are two threads of the
// map (each has its own thread slot), so interleavings that need a pause inside an iteration are
// forced here by hand, deterministically. Cross-thread misuse with real workers is in
// test/concurrency/owned-misuse.test.ts; the whole API suite runs on 'owned' in test/strategies/.
import { describe, expect, it } from 'vitest';
import { ConcurrentMap, ConcurrentMapError, ConcurrentMapMisuseError } from 'sharemap';
import { checkInvariants, debugModule } from 'sharemap/testing';

async function ownedMap(options: Record<string, unknown> = {}) {
  return ConcurrentMap.create({
    key: 'number', value: 'number', strategy: 'owned', module: await debugModule(), maxMemory: 64 * 2 ** 20, ...options,
  } as any) as Promise<ConcurrentMap<number, number>>;
}

function misuse(fn: () => unknown): ConcurrentMapMisuseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConcurrentMapMisuseError);
    expect(error).toBeInstanceOf(ConcurrentMapError);
    return error as ConcurrentMapMisuseError;
  }
  throw new Error('expected a ConcurrentMapMisuseError');
}

describe("strategy 'owned'", () => {
  it('is recorded in the map: attach gets it from the handle', async () => {
    const map = await ownedMap();
    expect(map.strategy).toBe('owned');
    const other = ConcurrentMap.attach<number, number>(map.handle);
    expect(other.strategy).toBe('owned');
    const plain = await ConcurrentMap.create({ key: 'number', value: 'number' });
    expect(plain.strategy).toBe('concurrent');
    expect(ConcurrentMap.attach(plain.handle).strategy).toBe('concurrent');
  });

  it('a write from another thread during an iteration throws WRITE_DURING_ITERATION naming both, and changes nothing', async () => {
    const map = await ownedMap();
    for (let i = 0; i < 100; i++) map.set(i, i);
    const other = ConcurrentMap.attach<number, number>(map.handle);
    const iterator = map.entries();
    iterator.next(); // registered (O6), paused inside the iteration
    for (const write of [() => other.set(1000, 1), () => other.delete(5), () => other.add(6, 1), () => other.clear(),
      () => other.getOrInsert(1001, 1), () => other.compareAndSet(7, 7, 8), () => other.update(8, (v) => (v ?? 0) + 1)]) {
      const error = misuse(write);
      expect(error.code).toBe('WRITE_DURING_ITERATION');
      expect(error.thread.slot).not.toBe(error.otherThread.slot);
      expect(error.message).toMatch(/concurrent map iteration and map write: thread \d+ \(threadId 0\) tried to write while thread \d+ \(threadId 0\) was iterating/);
    }
    expect(other.get(5), 'reads are allowed during an iteration').toBe(5);
    map.set(5, 50); // the iterating thread itself may write, as with a JS Map
    expect([...iterator].length).toBeGreaterThan(0);
    other.set(1000, 1); // the iteration ended: writes work again
    expect(map.size).toBe(101);
    expect(map.get(5)).toBe(50);
    expect(map.get(6)).toBe(6);
    expect(checkInvariants(map)).toBe(0);
  });

  it('a loop that breaks ends its iteration; an iterator dropped unfinished blocks writes until its thread closes', async () => {
    const map = await ownedMap();
    for (let i = 0; i < 10; i++) map.set(i, i);
    const other = ConcurrentMap.attach<number, number>(map.handle);
    for (const _ of other) break;
    map.set(100, 1);
    const dropped = other.entries();
    dropped.next();
    expect(misuse(() => map.set(101, 1)).code).toBe('WRITE_DURING_ITERATION');
    other.close();
    map.set(101, 1);
    expect(map.size).toBe(12);
  });

  it('starting an iteration while another thread iterates is fine; several readers are fine', async () => {
    const map = await ownedMap();
    for (let i = 0; i < 50; i++) map.set(i, i);
    const other = ConcurrentMap.attach<number, number>(map.handle);
    const a = map.entries();
    a.next();
    expect([...other.keys()].length).toBe(50);
    expect(other.has(3)).toBe(true);
    expect([...a].length).toBe(49);
  });

  it('grows incrementally, as Go does: a growth stays in progress across writes, and reads see every key meanwhile', async () => {
    const map = await ownedMap();
    let sawGrowing = false;
    for (let i = 0; i < 20_000; i++) {
      map.set(i, i * 2);
      const s = map.stats();
      if (s.growing && s.evacuatedBuckets < s.oldBuckets && s.oldBuckets >= 64) {
        sawGrowing = true;
        for (let k = 0; k <= i; k += 97) expect(map.get(k)).toBe(k * 2);
      }
    }
    expect(sawGrowing).toBe(true);
    expect(map.size).toBe(20_000);
    expect(checkInvariants(map)).toBe(0);
  });

  it('bad strategy and ownerAttempts are refused naming the option and the limit', async () => {
    await expect(ConcurrentMap.create({ key: 'number', value: 'number', strategy: 'tree' as any }))
      .rejects.toThrow(/options\.strategy must be one of 'concurrent', 'owned', 'rwlock', 'sharded', 'read-mostly', got tree/);
    const readMostly = await ConcurrentMap.create({ key: 'number', value: 'number', strategy: 'read-mostly' });
    expect(readMostly.strategy).toBe('read-mostly');
    readMostly.close();
    for (const bad of [0, 1001, 2.5, -1, NaN, '3']) {
      await expect(ownedMap({ ownerAttempts: bad })).rejects.toThrow(/options\.ownerAttempts must be a whole number from 1 to 1000/);
    }
    await expect(ConcurrentMap.create({ key: 'number', value: 'number', ownerAttempts: 3 }))
      .rejects.toThrow(/options\.ownerAttempts applies only to strategy 'owned'/);
    const map = await ownedMap({ ownerAttempts: 1000 });
    map.set(1, 1);
    expect(map.get(1)).toBe(1);
  });
});
