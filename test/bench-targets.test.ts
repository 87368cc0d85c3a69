import { describe, expect, it } from 'vitest';
import { checkTargets } from '../bench/targets.js';

// bench/targets.js reads a run's rows; these are shaped as bench/throughput.js writes them.
type Row = { op: string; key: string; dist: string; len: number; impl: string; threads: number; opsPerSecond: { median: number } };
const row = (op: string, dist: string, len: number, impl: string, threads: number, mops: number, key = 'number'): Row =>
  ({ op, key, dist, len, impl, threads, opsPerSecond: { median: mops * 1e6 } });

/**
 * part 4's rows, named as bench/call-cost.js names them: one random line of 64 MiB per call,
 * 50 ns, so the floor is 20 M ops/s a thread; with a key string built per call, 125 ns: 8.
 */
const callRows = [
  { name: 'miss/shared (one random line of 64 MiB)', median: 50 },
  { name: "miss/shared + key string ('key:' + i built per call, i < 1M)", median: 125 },
];

describe('bench/targets.js', () => {
  it('states the memory floor for a missed target on 1M entries with uniform keys', () => {
    const rows = [
      row('read', 'uniform', 1e6, 'sharemap', 2, 25),
      row('read', 'uniform', 1e6, 'postmessage-batch', 2, 2),
    ];
    const [t6] = checkTargets(rows, [], callRows, 2).filter((t: { target: string }) => t.target === '6');
    expect(t6.met).toBe(false);
    expect(t6.bound).toBe('needs 40.0 M ops/s; 2 x the memory floor allows 40.0');
  });

  it('puts the bare bucket lookup of part 4 beside a missed read of 1M number keys', () => {
    // 25 ns a bucket lookup: 40 M ops/s a thread.
    const withBuckets = [...callRows, { name: 'bucket/shared (a hit among 1M keys in 2^18 buckets)', median: 25 }];
    const rows = [
      row('read', 'uniform', 1e6, 'sharemap', 2, 25),
      row('read', 'uniform', 1e6, 'postmessage-batch', 2, 5),
      row('read', 'uniform', 1e6, 'sharemap', 1, 12),
      row('read', 'uniform', 1e6, 'js-map', 1, 10),
      row('read', 'uniform', 1e6, 'floor', 1, 120),
    ];
    const found = checkTargets(rows, [], withBuckets, 2);
    // 20 x 5 = 100 M ops/s, above 2 x 40; the memory floor (2 x 20) is the first bound.
    const t6 = found.find((t: { target: string }) => t.target === '6');
    expect(t6.bound).toBe('needs 100.0 M ops/s, above 2 x the memory floor of 20.0 M ops/s per thread: out of reach here; ' +
      'above 2 x a bare lookup in these buckets of 40.0 M ops/s per thread: out of reach with them');
    // 1.5 x 10 = 15, below 1 x 40; with part 2's floor row beside it.
    const t2 = found.find((t: { target: string }) => t.target === '2');
    expect(t2.bound).toBe("needs 15.0 M ops/s, 13% of the floor row's 120.0; 1 x a bare lookup in these buckets allows 40.0");
    // Met targets and string keys get none.
    const strings = checkTargets([row('read', 'uniform', 1e6, 'sharemap', 1, 3, 'string'),
      row('read', 'uniform', 1e6, 'js-map', 1, 2, 'string')], [], withBuckets, 2).find((t: { target: string }) => t.target === '3');
    expect(strings.bound).toBe('needs 4.00 M ops/s; 1 x the memory floor with the key string built allows 8.00');
  });

  it('puts the bare bucket write of part 4 beside a missed zipfian churn of 1M number keys', () => {
    // 40 ns a bucket write: 25 M ops/s a thread.
    const withWrites = [...callRows, { name: 'bucket-write/shared (zipfian churn on 1M keys)', median: 40 }];
    const rows = [
      row('churn', 'zipf', 1e6, 'sharemap', 1, 20),
      row('churn', 'zipf', 1e6, 'sharemap', 2, 40),
      row('churn', 'zipf', 1e6, 'js-map', 1, 0.45),
      row('churn', 'zipf', 1e6, 'floor', 1, 60),
      row('churn', 'zipf', 1e6, 'floor', 2, 120),
    ];
    const t5 = checkTargets(rows, [], withWrites, 2).filter((t: { target: string }) => t.target === '5');
    // 100 x 0.45 = 45 M ops/s: above 1 x 25, below 2 x 25.
    expect(t5.map((t: { met: boolean }) => t.met)).toEqual([false, false]);
    expect(t5[0].bound).toBe("needs 45.0 M ops/s, 75% of the floor row's 60.0; " +
      'above 1 x a bare write in these buckets of 25.0 M ops/s per thread: out of reach with them');
    expect(t5[1].bound).toBe("needs 45.0 M ops/s, 38% of the floor row's 120.0; 2 x a bare write in these buckets allows 50.0");
    // Uniform churn, and reads, get no write floor.
    const uniform = checkTargets([row('read', 'uniform', 1e6, 'sharemap', 1, 5), row('read', 'uniform', 1e6, 'js-map', 1, 10)],
      [], withWrites, 2).find((t: { target: string }) => t.target === '2');
    expect(uniform.bound).not.toContain('write');
  });

  it('puts the pinned bucket write of part 4 after the bare one, the least a write of this design does', () => {
    // 40 ns a bare write (25 M ops/s a thread), 50 ns with the pin and unpin (20).
    const withPins = [...callRows, { name: 'bucket-write/shared (zipfian churn on 1M keys)', median: 40 },
      { name: 'bucket-write+pin/shared (the same, between an epoch pin and unpin)', median: 50 }];
    const rows = [
      row('churn', 'zipf', 1e6, 'sharemap', 2, 40),
      row('churn', 'zipf', 1e6, 'js-map', 1, 0.45),
    ];
    const [, two] = checkTargets(rows, [], withPins, 2).filter((t: { target: string }) => t.target === '5');
    // 100 x 0.45 = 45 M ops/s: below 2 x 25, above 2 x 20.
    expect(two.met).toBe(false);
    expect(two.bound).toBe('2 x a bare write in these buckets allows 50.0; above 2 x a write with its epoch pin and unpin ' +
      'in these buckets of 20.0 M ops/s per thread: out of reach with this design');
    // Below both, each says what it allows.
    const slower = checkTargets([row('churn', 'zipf', 1e6, 'sharemap', 2, 30), row('churn', 'zipf', 1e6, 'js-map', 1, 0.35)],
      [], withPins, 2).filter((t: { target: string }) => t.target === '5')[1];
    expect(slower.bound).toBe('2 x a bare write in these buckets allows 50.0; 2 x a write with its epoch pin and unpin in these buckets allows 40.0');
    // A run without the pinned row (an older part 4) keeps the bare write alone.
    const bare = checkTargets(rows, [], withPins.slice(0, -1), 2).filter((t: { target: string }) => t.target === '5')[1];
    expect(bare.bound).toBe('2 x a bare write in these buckets allows 50.0');
  });

  it('bounds string-key rows by the floor with the key string built', () => {
    const rows = [
      row('read', 'uniform', 1e6, 'sharemap', 2, 6.6, 'string'),
      row('read', 'uniform', 1e6, 'postmessage-batch', 2, 0.9, 'string'),
      row('read', 'uniform', 1e6, 'sharemap', 1, 3.2, 'string'),
      row('read', 'uniform', 1e6, 'js-map', 1, 1.7, 'string'),
    ];
    const found = checkTargets(rows, [], callRows, 2);
    // 20 x 0.9 = 18 M ops/s, above 2 x 8: the number floor (2 x 20) would have allowed it.
    const t6 = found.find((t: { target: string }) => t.target === '6');
    expect(t6.met).toBe(false);
    expect(t6.bound).toBe('needs 18.0 M ops/s, above 2 x the memory floor with the key string built of 8.00 M ops/s per thread: out of reach here');
    const t3 = found.find((t: { target: string }) => t.target === '3');
    expect(t3.met).toBe(false);
    expect(t3.bound).toBe('needs 3.40 M ops/s; 1 x the memory floor with the key string built allows 8.00');
  });

  it('puts the bare bucket lookup of a fresh key string beside a missed read of 1M string keys', () => {
    // 200 ns a lookup of a built key string: 5 M ops/s a thread.
    const withStrings = [...callRows, { name: "bucket/shared + key string ('key:' + i built and staged per call)", median: 200 },
      { name: 'bucket/shared (a hit among 1M keys)', median: 25 }];
    const rows = [
      row('read', 'uniform', 1e6, 'sharemap', 2, 6.6, 'string'),
      row('read', 'uniform', 1e6, 'postmessage-batch', 2, 0.9, 'string'),
      row('read', 'uniform', 1e6, 'sharemap', 1, 3.2, 'string'),
      row('read', 'uniform', 1e6, 'js-map', 1, 1.7, 'string'),
    ];
    const found = checkTargets(rows, [], withStrings, 2);
    // 20 x 0.9 = 18 M ops/s: above 2 x 8 (the memory floor with the string) and above 2 x 5.
    const t6 = found.find((t: { target: string }) => t.target === '6');
    expect(t6.bound).toBe('needs 18.0 M ops/s, above 2 x the memory floor with the key string built of 8.00 M ops/s per thread: ' +
      'out of reach here; above 2 x a bare lookup of a fresh key string in these buckets of 5.00 M ops/s per thread: out of reach with them');
    // 2 x 1.7 = 3.4 M ops/s: below 1 x 5. The number keys' bucket row is not a string key's floor.
    const t3 = found.find((t: { target: string }) => t.target === '3');
    expect(t3.bound).toBe('needs 3.40 M ops/s; 1 x the memory floor with the key string built allows 8.00; ' +
      '1 x a bare lookup of a fresh key string in these buckets allows 5.00');
  });

  it('puts the line round trips of the compared multi-thread runs beside the verdict', () => {
    const rows = [
      { ...row('balanced', 'uniform', 1e3, 'sharemap', 2, 48), roundTripNsMedian: 130.4 },
      { ...row('balanced', 'uniform', 1e3, 'global-lock', 2, 17), roundTripNsMedian: 371 },
      { ...row('read', 'uniform', 1e3, 'sharemap', 1, 50), roundTripNsMedian: null },
      { ...row('read', 'uniform', 1e3, 'sharemap', 2, 95), roundTripNsMedian: 125 },
    ];
    const found = checkTargets(rows, [], callRows, 2);
    const t4 = found.find((t: { target: string }) => t.target === '4');
    expect(t4.met).toBe(false);
    expect(t4.roundTrip).toBe("line round trip 130 ns in sharemap's runs, 371 ns in global lock's");
    // 2 threads against sharemap's own 1-thread row, which was not probed.
    const t1 = found.filter((t: { target: string }) => t.target === '1')[1];
    expect(t1.roundTrip).toBe("line round trip 125 ns in sharemap's runs");
    expect(found[0].roundTrip).toBeUndefined();
  });

  it('says how many of a row\'s runs were kept in a slow spell of the line round trip', () => {
    const runs = [{}, {}, {}];
    const rows = [
      { ...row('balanced', 'uniform', 1e3, 'sharemap', 2, 48), roundTripNsMedian: 330, slowSpellRuns: 2, runs },
      { ...row('balanced', 'uniform', 1e3, 'global-lock', 2, 17), roundTripNsMedian: 110, slowSpellRuns: 0, runs },
    ];
    const t4 = checkTargets(rows, [], callRows, 2).find((t: { target: string }) => t.target === '4');
    expect(t4.roundTrip).toBe("line round trip 330 ns (2 of 3 runs in a slow spell) in sharemap's runs, 110 ns in global lock's");
  });

  it('gives zipfian churn no part 4 memory floor: its hot keys are in the caches', () => {
    const rows = [
      row('churn', 'zipf', 1e6, 'sharemap', 1, 13.8),
      row('churn', 'zipf', 1e6, 'sharemap', 2, 26.8),
      row('churn', 'zipf', 1e6, 'js-map', 1, 0.37),
      row('churn', 'zipf', 1e6, 'postmessage-batch', 2, 0.5),
    ];
    const found = checkTargets(rows, [], callRows, 2);
    const t5 = found.filter((t: { target: string }) => t.target === '5');
    expect(t5.map((t: { met: boolean }) => t.met)).toEqual([false, false]);
    // Both miss 100x Map (37 M ops/s), which one thread's floor (20) would have called out of reach.
    for (const t of t5) expect(t.bound).toBeUndefined();
    const t6 = found.find((t: { target: string }) => t.target === '6');
    expect(t6.met).toBe(true);
    expect(t6.bound).toBeUndefined();
  });
});

describe('bench/targets.js with part 2 floor rows', () => {
  it('bounds a missed target by the floor of its own workload and threads, zipfian ones too', () => {
    const rows = [
      row('churn', 'zipf', 1e6, 'sharemap', 1, 13),
      row('churn', 'zipf', 1e6, 'sharemap', 2, 24),
      row('churn', 'zipf', 1e6, 'js-map', 1, 0.4),
      row('churn', 'zipf', 1e6, 'floor', 1, 38),
      row('churn', 'zipf', 1e6, 'floor', 2, 80),
    ];
    const [one, two] = checkTargets(rows, [], callRows, 2).filter((t: { target: string }) => t.target === '5');
    expect([one.met, two.met]).toEqual([false, false]);
    // 100 x 0.4 = 40 M ops/s: above one thread's floor, below two threads'.
    expect(one.bound).toBe("needs 40.0 M ops/s, 105% of the floor row's 38.0: out of reach here");
    expect(two.bound).toBe("needs 40.0 M ops/s, 50% of the floor row's 80.0");
  });

  it('takes the floor row over part 4 for number keys, and only where the target missed', () => {
    const rows = [
      row('read', 'uniform', 1e6, 'sharemap', 2, 25),
      row('read', 'uniform', 1e6, 'postmessage-batch', 2, 2),
      row('read', 'uniform', 1e6, 'floor', 2, 60),
      row('counter', 'uniform', 1e3, 'sharemap', 2, 50),
      row('counter', 'uniform', 1e3, 'postmessage-batch', 2, 2),
      row('counter', 'uniform', 1e3, 'floor', 2, 120),
      row('counter', 'uniform', 1e3, 'floor', 1, 10),
    ];
    const [read, counter] = checkTargets(rows, [], callRows, 2).filter((t: { target: string }) => t.target === '6');
    expect(read.met).toBe(false);
    expect(read.bound).toBe("needs 40.0 M ops/s, 67% of the floor row's 60.0");
    expect(counter.met).toBe(true);
    expect(counter.bound).toBeUndefined();
  });
});

describe('bench/targets.js on the line', () => {
  const spread = (op: string, len: number, impl: string, threads: number, median: number, min: number, max: number) =>
    ({ ...row(op, 'uniform', len, impl, threads, median), opsPerSecond: { median: median * 1e6, min: min * 1e6, max: max * 1e6 } });

  it('says so when the runs\' extremes could give either verdict, and not when they agree', () => {
    const rows = [
      spread('read', 1e6, 'sharemap', 1, 9.68, 9.13, 10.2),
      spread('read', 1e6, 'js-map', 1, 6.35, 5.77, 6.58),
      spread('balanced', 1e3, 'sharemap', 2, 50.9, 49.7, 52.3),
      spread('balanced', 1e3, 'global-lock', 2, 16.9, 16.0, 17.0),
      spread('read', 1e3, 'sharemap', 1, 54.3, 53.2, 54.7),
      spread('read', 1e3, 'js-map', 1, 52.4, 52.3, 52.4),
    ];
    const found = checkTargets(rows, [], callRows, 2);
    const t2 = found.find((t: { target: string }) => t.target === '2');
    expect(t2.met).toBe(true);
    expect(t2.spread).toBe("on the line: the runs' extremes give 1.39x-1.77x");
    const t4 = found.find((t: { target: string }) => t.target === '4');
    expect(t4.spread).toBe("on the line: the runs' extremes give 2.92x-3.27x");
    // 53.2 / 52.4 and 54.7 / 52.3 are both above 1x.
    expect(found[0].met).toBe(true);
    expect(found[0].spread).toBeUndefined();
  });
});
