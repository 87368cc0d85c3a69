// The speed targets sharemap holds itself to (bench/README.md, "Speed targets"), checked against
// one run's rows: each target says what it compares, what this run measured, and whether it holds.
//
// A target whose rows the run lacks (BENCH_FILTER, or a baseline that could not run) is listed
// as not measured. A missed target gets a bound beside it, the most its row could reach on this
// machine whatever the map does:
//   - part 2's floor row for the same workload and threads (number keys): no map, one Wasm call
//     and one access to the key's own 16 bytes per operation, a load for a get and an atomic add
//     for a write (bench/baselines/floor.js). Measured with the same sequences, threads and loop
//     as the maps, it bounds every workload, zipfian and writing ones included;
//   - otherwise, on 1M-entry maps with uniform keys (string keys: part 2 has no floor for them),
//     part 4's memory floor: its miss/shared row times a call that loads one random cache line
//     of a 64 MiB region, with consecutive calls overlapping, so 1e3 / that many ns is about the
//     most M ops/s one thread can reach when each operation needs a cache line from memory, as
//     every lookup of a uniformly drawn key in a map far larger than the caches does. It counts
//     `running` threads: the thread count, but at most the cores (four threads on two cores wait
//     for memory no more often in a second than two do). String-key rows take part 4's second
//     floor, the same random line with the key string built before each call ('key:' + i, as the
//     throughput bench builds every key): building it takes little time of its own, but the loop
//     then overlaps one call's miss with the next far less. Zipfian keys get no part 4 floor:
//     most of their operations land on hot keys already in the caches;
//   - and beside those, for a missed read of 1M uniform number keys, the floor of this design:
//     part 4's bucket/shared row, a hit in a table shaped as sharemap's (bench/bucket-floor.js:
//     the hash, the bucket's tophash word, then the slot's line, and nothing else). The floors
//     above say what any map could do here; this one, what a lookup in these buckets can. A
//     missed read of 1M uniform string keys gets the same for a fresh key string: part 4's
//     bucket/shared + key string row (bench/bucket-floor-string.js);
//   - and for a missed zipfian churn on 1M number keys (target 5), the floors of a write in these
//     buckets: part 4's bucket-write/shared row, that lookup then one atomic add to the slot's
//     value word, for each operation of the same churn sequence; and its bucket-write+pin/shared
//     row, the same write between the epoch pin and unpin that every write of sharemap's makes
//     (two SC stores), the least a write of this design does.
// A target above its bound is out of reach here, and the report says so rather than calling it
// a miss to fix.

/** The names of part 4's floor rows, before their parenthesised detail (bench/call-cost.js). */
export const MISS_ROW = 'miss/shared';
export const MISS_STRING_ROW = 'miss/shared + key string';
export const BUCKET_ROW = 'bucket/shared';
export const BUCKET_STRING_ROW = 'bucket/shared + key string';
export const BUCKET_WRITE_ROW = 'bucket-write/shared';
export const BUCKET_PINNED_WRITE_ROW = 'bucket-write+pin/shared';

/** One throughput row, or undefined when the run has no such row. */
function find(rows, { op, key, dist = 'uniform', len, impl, threads }) {
  return rows.find((r) => r.op === op && r.key === key && r.dist === dist && r.len === len &&
    r.impl === impl && r.threads === threads);
}

const fmt = (value) => (value >= 10 ? value.toFixed(1) : value.toFixed(2));
const mops = (row) => row.opsPerSecond.median / 1e6;

/**
 * The line round trips (bench/transfer.js) of the multi-thread runs compared, as text, or
 * undefined: on two threads the speed of writes follows them, and they change while a virtual
 * machine runs, so a verdict on such rows needs them beside it.
 */
function roundTrips(oursRow, baseRow, baseName) {
  // A row whose runs were all tried again and still fell in a slow spell says how many it kept.
  const slow = (row) => (row.slowSpellRuns > 0 ? ` (${row.slowSpellRuns} of ${row.runs.length} runs in a slow spell)` : '');
  const ns = (row) => (row.threads > 1 && row.roundTripNsMedian != null ? `${row.roundTripNsMedian.toFixed(0)} ns${slow(row)}` : null);
  const ours = ns(oursRow);
  const base = ns(baseRow);
  if (!ours && !base) return undefined;
  return `line round trip ${[ours && `${ours} in sharemap's runs`, base && `${base} in ${baseName}'s`].filter(Boolean).join(', ')}`;
}

/**
 * The bound of a missed target that needs `needed` M ops/s, from part 2's floor row `floorRow`.
 */
function floorBound(needed, floorRow) {
  const floor = mops(floorRow);
  const share = `${((100 * needed) / floor).toFixed(0)}% of the floor row's ${fmt(floor)}`;
  return needed > floor ? `needs ${fmt(needed)} M ops/s, ${share}: out of reach here` : `needs ${fmt(needed)} M ops/s, ${share}`;
}

/**
 * A part 4 floor of `floor` M ops/s a thread on `threads` threads: counted on at most `cores` of
 * them (four threads on two cores wait for memory no more often in a second than two do), as
 * `ceiling` M ops/s, and `times`, how the report says the multiple.
 */
function perThreadCeiling(threads, cores, floor) {
  const running = Math.min(threads, cores);
  return { ceiling: running * floor, times: running < threads ? `${running} (the cores) x` : `${running} x` };
}

/**
 * The design's bound of a missed target that needs `needed` M ops/s on `threads` threads: one of
 * part 4's operations in sharemap's buckets (bench/bucket-floor.js), `operation` ('lookup' or
 * 'write') at `floor` M ops/s a thread, counted as the memory floor is (perThreadCeiling); bare,
 * or `pinned` between an epoch pin and unpin, which every write of this design makes.
 */
function bucketBound(needed, threads, cores, floor, operation, pinned = false) {
  const { ceiling, times } = perThreadCeiling(threads, cores, floor);
  const what = pinned ? `a ${operation} with its epoch pin and unpin` : `a bare ${operation}`;
  return needed > ceiling
    ? `above ${times} ${what} in these buckets of ${fmt(floor)} M ops/s per thread: out of reach with ${pinned ? 'this design' : 'them'}`
    : `${times} ${what} in these buckets allows ${fmt(ceiling)}`;
}

/**
 * Part 4's floors of this design that bound a missed row of operation `op` (bucketBound): a
 * lookup in sharemap's buckets for 1M-entry reads of uniform keys (of a fresh key string for
 * string keys), a write for zipfian churn of 1M number keys, bare and pinned.
 */
function designFloors(op, strings, len, dist, floors) {
  if (len < 1e6) return [];
  if (op === 'read' && dist === 'uniform') {
    return [strings ? { floor: floors.bucketString, operation: 'lookup of a fresh key string' } : { floor: floors.bucket, operation: 'lookup' }];
  }
  if (op === 'churn' && dist === 'zipf' && !strings) {
    return [{ floor: floors.write, operation: 'write' }, { floor: floors.pinnedWrite, operation: 'write', pinned: true }];
  }
  return [];
}

/**
 * The verdict's margin against the runs' own spread, as text, when the spread alone could turn
 * it: the ratio of our slowest run to the baseline's fastest is below `factor` and that of our
 * fastest to its slowest is not, so another run could give either verdict. Undefined when the
 * extremes agree with each other, or a row has no min and max.
 */
function onTheLine(oursRow, baseRow, factor) {
  const ours = oursRow.opsPerSecond;
  const base = baseRow.opsPerSecond;
  if (![ours.min, ours.max, base.min, base.max].every(Number.isFinite)) return undefined;
  const low = ours.min / base.max;
  const high = ours.max / base.min;
  return low < factor && factor <= high ? `on the line: the runs' extremes give ${low.toFixed(2)}x-${high.toFixed(2)}x` : undefined;
}

/**
 * Holds when `oursRow` has at least factor x `baseRow`'s median ops/s; `spread` says when the
 * runs' extremes could have given the other verdict (onTheLine). A miss gets a bound:
 * from `floorRow` (part 2's floor for the same workload and threads) where the run has one,
 * else for 1M-entry workloads with uniform keys from part 4 (`threads`, `cores`, `len`, `dist`;
 * `floors` has one for number keys and one for string keys, M ops/s a thread, either may be
 * undefined); a missed read of 1M uniform number keys also gets part 4's bare bucket lookup
 * (`floors.bucket`, bucketBound), a missed read of 1M uniform string keys the same for a fresh
 * key string (`floors.bucketString`), and a missed zipfian churn of 1M number keys its bare bucket
 * write (`floors.write`) and the same write pinned (`floors.pinnedWrite`).
 */
function check(target, what, oursRow, baseRow, factor, baseName, { len, threads, cores, floors, dist = 'uniform', floorRow }) {
  if (oursRow === undefined || baseRow === undefined) return { target, what, measured: 'not measured', met: null };
  const ours = mops(oursRow);
  const base = mops(baseRow);
  const ratio = ours / base;
  const met = ratio >= factor;
  const row = { target, what, measured: `${fmt(ours)} vs ${baseName} ${fmt(base)}: ${ratio.toFixed(2)}x (needs ${factor}x)`, met };
  const spread = onTheLine(oursRow, baseRow, factor);
  if (spread) row.spread = spread;
  const trips = roundTrips(oursRow, baseRow, baseName);
  if (trips) row.roundTrip = trips;
  const strings = oursRow.key === 'string';
  const floor = strings ? floors.string : floors.number;
  if (!met && floorRow !== undefined) {
    row.bound = floorBound(factor * base, floorRow);
  } else if (!met && len >= 1e6 && dist === 'uniform' && floor !== undefined) {
    const needed = factor * base;
    const { ceiling, times } = perThreadCeiling(threads, cores, floor);
    const which = strings ? 'the memory floor with the key string built' : 'the memory floor';
    row.bound = needed > ceiling
      ? `needs ${fmt(needed)} M ops/s, above ${times} ${which} of ${fmt(floor)} M ops/s per thread: out of reach here`
      : `needs ${fmt(needed)} M ops/s; ${times} ${which} allows ${fmt(ceiling)}`;
  }
  for (const { floor: least, operation, pinned } of met ? [] : designFloors(oursRow.op, strings, len, dist, floors)) {
    if (least === undefined) continue;
    row.bound = [row.bound, bucketBound(factor * base, threads, cores, least, operation, pinned)].filter(Boolean).join('; ');
  }
  return row;
}

/**
 * The targets, checked: [{ target, what, measured, met (true/false/null), spread?, bound?,
 * roundTrip? }]. `cores` is
 * how many threads the machine runs at once (os.availableParallelism()).
 */
export function checkTargets(throughputRows, memoryRows, callRows, cores) {
  const perThread = (prefix) => {
    const miss = callRows.find((r) => r.name.startsWith(`${prefix} (`));
    return miss ? 1e3 / miss.median : undefined;
  };
  const floors = {
    number: perThread(MISS_ROW), string: perThread(MISS_STRING_ROW), bucket: perThread(BUCKET_ROW), write: perThread(BUCKET_WRITE_ROW),
    pinnedWrite: perThread(BUCKET_PINNED_WRITE_ROW), bucketString: perThread(BUCKET_STRING_ROW),
  };
  const R = throughputRows;
  const at = (op, key, len, impl, threads, dist) => find(R, { op, key, len, impl, threads, dist });
  // Every verdict on a sharemap row, with the floor row of its workload and threads, if any.
  const verdict = (target, what, ours, base, factor, baseName, options) => check(target, what, ours, base, factor,
    baseName, { ...options, floorRow: ours && find(R, { ...ours, impl: 'floor' }) });
  const small = { len: 1e3, threads: 1, cores, floors };
  const rows = [
    verdict('1', 'read, number keys, 1K, 1 thread: sharemap >= Map',
      at('read', 'number', 1e3, 'sharemap', 1), at('read', 'number', 1e3, 'js-map', 1), 1, 'Map', small),
    verdict('1', 'read, number keys, 1K, 2 threads: >= 1.8x sharemap on 1 thread',
      at('read', 'number', 1e3, 'sharemap', 2), at('read', 'number', 1e3, 'sharemap', 1), 1.8, '1 thread', small),
    verdict('2', 'read, number keys, 1M, 1 thread: >= 1.5x Map',
      at('read', 'number', 1e6, 'sharemap', 1), at('read', 'number', 1e6, 'js-map', 1), 1.5, 'Map', { len: 1e6, threads: 1, cores, floors }),
    verdict('2', 'read, number keys, 1M, 2 threads: >= 2.8x Map',
      at('read', 'number', 1e6, 'sharemap', 2), at('read', 'number', 1e6, 'js-map', 1), 2.8, 'Map', { len: 1e6, threads: 2, cores, floors }),
    verdict('3', 'read, string keys, 1M, 1 thread: >= 2x Map',
      at('read', 'string', 1e6, 'sharemap', 1), at('read', 'string', 1e6, 'js-map', 1), 2, 'Map', { len: 1e6, threads: 1, cores, floors }),
    verdict('4', 'balanced, number keys, 1K, 2 threads: >= 3x the global lock',
      at('balanced', 'number', 1e3, 'sharemap', 2), at('balanced', 'number', 1e3, 'global-lock', 2), 3, 'global lock', small),
    verdict('5', 'churn, zipfian, 1M, 1 thread: >= 100x Map',
      at('churn', 'number', 1e6, 'sharemap', 1, 'zipf'), at('churn', 'number', 1e6, 'js-map', 1, 'zipf'), 100, 'Map', { len: 1e6, threads: 1, cores, floors, dist: 'zipf' }),
    verdict('5', 'churn, zipfian, 1M, 2 threads: >= 100x Map',
      at('churn', 'number', 1e6, 'sharemap', 2, 'zipf'), at('churn', 'number', 1e6, 'js-map', 1, 'zipf'), 100, 'Map', { len: 1e6, threads: 2, cores, floors, dist: 'zipf' }),
  ];
  // 6: every workload, at each thread count where both ran.
  for (const row of R.filter((r) => r.impl === 'postmessage-batch' && r.threads > 1)) {
    const ours = at(row.op, row.key, row.len, 'sharemap', row.threads, row.dist);
    const name = `${row.op}, ${row.key} keys, ${row.dist}, ${row.len >= 1e6 ? '1M' : '1K'}, ${row.threads} threads: >= 20x postMessage batched`;
    rows.push(verdict('6', name, ours, row, 20, 'batched',
      { len: row.len, threads: row.threads, cores, floors, dist: row.dist }));
  }
  for (const m of memoryRows.filter((r) => r.name.startsWith('churn/'))) {
    rows.push({
      target: '7', what: `${m.name}: memory reserved after churn <= 4x after filling`,
      measured: `${m.reservedRatio.toFixed(2)}x reserved (${m.usedRatio.toFixed(2)}x used)`, met: m.reservedRatio <= 4,
    });
  }
  return rows;
}
