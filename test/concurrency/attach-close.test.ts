// Test 10: threads attach, work and close again and again, far more than MAX_THREADS (64) times
// in total: close must give the thread slot back, or attach fails with TOO_MANY_THREADS.
import { describe, expect, it } from 'vitest';
import { ConcurrentMap, runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, task } from './harness.js';

const MAX_THREADS = 64;

describe('attach / close cycles', () => {
  it('the slot limit is real: the 65th simultaneous attachment fails with TOO_MANY_THREADS', async () => {
    // The control for the tests below: without it, "no error after 64+ cycles" could mean no limit.
    const map = await debugMap({ key: 'number', value: 'number' });
    const extra: ConcurrentMap<number, number>[] = [];
    let error: unknown;
    try {
      for (;;) extra.push(ConcurrentMap.attach(map.handle));
    } catch (e) {
      error = e;
    }
    expect((error as { code?: string }).code).toBe('TOO_MANY_THREADS');
    expect(extra.length).toBe(MAX_THREADS - 1); // the creating thread holds one slot
    for (const m of extra) m.close();
    expect(map.stats().threads).toBe(1);
    // Every slot is free again: a full set of attachments succeeds once more.
    const again = Array.from({ length: MAX_THREADS - 1 }, () => ConcurrentMap.attach(map.handle));
    for (const m of again) m.close();
  });

  it.each(THREAD_COUNTS)('%i threads attach and close 50 times each while the others work', async (threads) => {
    const cycles = 50;
    const opsPerCycle = 200;
    const map = await debugMap({ key: 'number', value: 'number', initialCapacity: 0 });
    const results = (await runWorkers({
      task: task('attach-cycles'), threads, map, args: { cycles, opsPerCycle }, timeoutMs: RUN_TIMEOUT_MS,
    })) as { adds: number; closedRefused: number }[];

    expect(threads * cycles).toBeGreaterThan(MAX_THREADS);
    expect(results.map((r) => r.closedRefused)).toEqual(results.map(() => cycles));
    expect(map.get(-1)).toBe(threads * cycles * opsPerCycle);
    expect(map.size).toBe(1 + threads * cycles * opsPerCycle);
    expect(map.stats().threads).toBe(1);
    expect(checkInvariants(map)).toBe(0);
  });

  it('runWorkers runs attach and close a map 80 times over 20 runs', async () => {
    const map = await debugMap({ key: 'number', value: 'number' });
    const runs = 20;
    const threads = 4;
    for (let run = 0; run < runs; run++) {
      await runWorkers({ task: task('lock-stress'), threads, map, args: { key: 1, ops: 100, mode: 'add' }, timeoutMs: RUN_TIMEOUT_MS });
    }
    expect(runs * threads).toBeGreaterThan(MAX_THREADS);
    expect(map.get(1)).toBe(runs * threads * 100);
    expect(map.stats().threads).toBe(1);
  });
});
