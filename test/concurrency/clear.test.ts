// Test 8: clear() racing with inserts (weakly consistent: each chain is emptied atomically, the
// map as a whole is not). After clear returns, every key that was present before and that
// nobody re-inserted is gone; keys inserted after clear returned are present; size matches
// iteration; the core's invariants hold.
import { describe, expect, it } from 'vitest';
import { runWorkers } from 'sharemap';
import { checkInvariants } from 'sharemap/testing';
import { RUN_TIMEOUT_MS, THREAD_COUNTS, debugMap, entriesOnce, task } from './harness.js';
import { keyString, keyNumber, sharedWords } from './tasks/common.mjs';
import { WORDS, valueOf } from './tasks/clear-race.mjs';

const A_COUNT = { number: 60_000, string: 20_000 } as const;

async function run(kind: 'number' | 'string', threads: number, mode: 'racy' | 'mid-growth') {
  const aCount = A_COUNT[kind];
  const map: any = kind === 'number'
    ? await debugMap({ key: 'number', value: 'number', initialCapacity: 0 })
    : await debugMap({ key: 'string', value: 'string', initialCapacity: 0 });
  const mk = (key: number) => (kind === 'number' ? key : keyString(key));
  for (let key = 0; key < aCount; key++) map.set(mk(key), valueOf(kind, key));
  // Let the growths of filling A finish, so 'mid-growth' starts the one it clears in. Only writes
  // move a growth on, and a sharded map's shards grow apart: rewrite keys of every shard.
  for (let i = 0; map.stats().growing; i++) map.set(mk(i % aCount), valueOf(kind, i % aCount));
  const words = sharedWords(WORDS);
  const perInserter = aCount * 4;
  const results = (await runWorkers({
    task: task('clear-race'), threads, map, timeoutMs: RUN_TIMEOUT_MS,
    args: { kind, mode, aCount, perInserter, beforeClear: 2_000, afterClear: 20_000, words },
  })) as any[];
  return { map, results, aCount, mk };
}

function checkEndState({ map, results, aCount, mk }: Awaited<ReturnType<typeof run>>, kind: 'number' | 'string') {
  const entries = entriesOnce(map);
  const fromA = [...entries.keys()].filter((k) => (kind === 'number' ? (k as number) : keyNumber(k as string)) < aCount);
  expect(fromA.slice(0, 5), 'keys of range A that survived clear').toEqual([]);
  expect(fromA.length).toBe(0);
  // The same through lookups, which is what a user sees: has() and get() of every key of A.
  const stillFound: number[] = [];
  for (let key = 0; key < aCount; key++) if (map.has(mk(key)) || map.get(mk(key)) !== undefined) stillFound.push(key);
  expect(stillFound.slice(0, 5), `keys of range A still found by has/get (${stillFound.length})`).toEqual([]);
  let lost = 0;
  for (const r of results.slice(1)) for (const key of r.afterCleared) if (map.get(mk(key)) !== valueOf(kind, key)) lost++;
  expect(lost, 'keys inserted after clear returned, missing').toBe(0);
  for (const [k, v] of entries) expect(v).toBe(valueOf(kind, kind === 'number' ? (k as number) : keyNumber(k as string)));
  expect(map.size).toBe(entries.size);
  expect(checkInvariants(map)).toBe(0);
}

describe.each(THREAD_COUNTS)('clear racing with inserts, %i threads', (threads) => {
  it.each(['number', 'string'] as const)('%s keys: cleared keys stay gone while inserts and growths race', async (kind) => {
    const outcome = await run(kind, threads, 'racy');
    checkEndState(outcome, kind);
  });

  it.each(['number', 'string'] as const)('%s keys: clear during a half-done growth removes every old key', async (kind) => {
    const outcome = await run(kind, threads, 'mid-growth');
    expect(outcome.results[0].growingAtClear, 'the forced interleaving: a growth was under way at clear').toBe(true);
    checkEndState(outcome, kind);
  });
});
