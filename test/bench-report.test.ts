import { describe, expect, it } from 'vitest';
import { nsPerOpMedian, slowSpellNote } from '../bench/report.js';

// bench/report.js nsPerOpMedian: part 2's ns/op/thread column.
describe('bench/report.js nsPerOpMedian', () => {
  it('is the median over runs of the mean over threads of 1e9 / ops per second', () => {
    const runs = [
      { perThread: [10e6, 20e6] }, // 100 and 50 ns: 75
      { perThread: [20e6, 20e6] }, // 50
      { perThread: [5e6, 10e6] }, // 200 and 100: 150
    ];
    expect(nsPerOpMedian(runs)).toBe(75);
  });

  it('leaves failed runs out, and is null when every run failed', () => {
    expect(nsPerOpMedian([{ perThread: [] }, { perThread: [4e6] }])).toBe(250);
    expect(nsPerOpMedian([{ perThread: [] }])).toBeNull();
  });
});

// bench/report.js slowSpellNote: the line under part 2's table on runs made again.
describe('bench/report.js slowSpellNote', () => {
  it('counts the runs made again and names the rows that kept a run in a slow spell', () => {
    const three = [{}, {}, {}];
    const rows = [
      { name: 'counter/threads=2', impl: 'sharemap', reruns: 3, slowSpellRuns: 1, runs: three },
      { name: 'counter/threads=2', impl: 'floor', reruns: 1, slowSpellRuns: 0, runs: three },
      { name: 'counter/threads=1', impl: 'sharemap', reruns: 0, slowSpellRuns: 0, runs: three },
    ];
    expect(slowSpellNote(rows)).toBe('slow spells: 4 multi-thread runs made again because a probe of the line ' +
      'round trip fell in one (bench/transfer.js); runs kept in one all the same: counter/threads=2 sharemap (1 of 3)');
    expect(slowSpellNote(rows.slice(1))).toBe('slow spells: 1 multi-thread run made again because a probe of the ' +
      'line round trip fell in one (bench/transfer.js); no run kept in one');
  });
});
