import { describe, expect, it } from 'vitest';
import { nsPerOpMedian } from '../bench/report.js';

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
