import { describe, expect, it } from 'vitest';
import { spellJudge, runOutsideSlowSpells, SPELL_CALIBRATION } from '../bench/transfer.js';
import { spellBound } from '../bench/throughput.js';

// bench/transfer.js: slow spells of the line round trip, and the runs made outside them.

/** A probe that answers `trips` in turn, and the sleeps asked of it. */
function scripted(trips: number[]) {
  const probed: number[] = [];
  const slept: number[] = [];
  return {
    probe: { roundTripNs: async () => { const ns = trips[probed.length] ?? 100; probed.push(ns); return ns; } },
    sleep: async (ms: number) => { slept.push(ms); },
    probed,
    slept,
  };
}

/** A judge that has seen the machine's fast spell (SPELL_CALIBRATION probes of 100-115 ns). */
function calibrated() {
  const judge = spellJudge();
  for (let i = 0; i < SPELL_CALIBRATION; i++) judge.slow(100 + 5 * (i % 4));
  return judge;
}

/** The spell options, with a budget of waiting of its own for each test. */
const options = () => ({ waitMs: 1000, pollMs: 250, reruns: 2, budget: { ms: 60_000 } });

describe('bench/transfer.js spellJudge', () => {
  it('calls a probe slow only over twice the lower quartile of the probes so far, after calibration', () => {
    const judge = spellJudge();
    // The first probes calibrate: none is called slow, whatever it is.
    for (let i = 0; i < SPELL_CALIBRATION - 1; i++) expect(judge.slow(100)).toBe(false);
    expect(judge.slow(400)).toBe(false);
    expect(judge.slow(190)).toBe(false); // lower quartile 100: the line is at 200
    expect(judge.slow(340)).toBe(true);
    expect(judge.slow(null)).toBe(false); // a failed probe judges nothing
  });

  it('judges a polling probe without recording it, so that waiting out a spell does not make it the norm', () => {
    const judge = calibrated();
    for (let i = 0; i < 50; i++) expect(judge.isSlow(340)).toBe(true);
    expect(judge.slow(340)).toBe(true);
  });

  it('corrects a start in a slow spell once fast probes hold a quarter of those seen', () => {
    const judge = spellJudge();
    for (let i = 0; i < SPELL_CALIBRATION; i++) judge.slow(340);
    expect(judge.slow(350)).toBe(false); // every probe so far was slow: this is the machine's norm
    for (let i = 0; i < 3; i++) judge.slow(105);
    expect(judge.slow(350)).toBe(true);
  });
});

describe('bench/transfer.js runOutsideSlowSpells', () => {
  it('runs once when both probes are in the fast spell', async () => {
    const { probe, sleep, probed, slept } = scripted([105, 110]);
    let runs = 0;
    const run = await runOutsideSlowSpells(async () => ({ ops: ++runs }), probe, calibrated(), { ...options(), sleep });
    expect(run).toEqual({ ops: 1, roundTripNs: [105, 110], reruns: 0, slowSpell: false });
    expect(probed).toHaveLength(2);
    expect(slept).toEqual([]);
  });

  it('waits for a slow spell to pass before it runs', async () => {
    const { probe, sleep, slept } = scripted([340, 350, 105, 110]);
    let runs = 0;
    const run = await runOutsideSlowSpells(async () => ({ ops: ++runs }), probe, calibrated(), { ...options(), sleep });
    expect(run).toEqual({ ops: 1, roundTripNs: [105, 110], reruns: 0, slowSpell: false });
    expect(slept).toEqual([250, 250]);
  });

  it('makes a run again when the probe after it was slow, and keeps the run outside the spell', async () => {
    const { probe, sleep } = scripted([105, 345, 110, 108]);
    let runs = 0;
    const run = await runOutsideSlowSpells(async () => ({ ops: ++runs }), probe, calibrated(), { ...options(), sleep });
    expect(run).toEqual({ ops: 2, roundTripNs: [110, 108], reruns: 1, slowSpell: false });
  });

  it('keeps the last run, marked, when every try fell in a slow spell, after waiting at most waitMs each', async () => {
    const { probe, sleep, slept } = scripted(Array(100).fill(340));
    let runs = 0;
    const run = await runOutsideSlowSpells(async () => ({ ops: ++runs }), probe, calibrated(), { ...options(), sleep });
    expect(run).toEqual({ ops: 3, roundTripNs: [340, 340], reruns: 2, slowSpell: true });
    expect(slept).toEqual(Array(3 * (1000 / 250)).fill(250));
  });

  it('stops waiting and running again once the budget shared by every run is spent', async () => {
    const { probe, sleep, slept } = scripted(Array(100).fill(340));
    const budget = { ms: 500 };
    let runs = 0;
    const run = await runOutsideSlowSpells(async () => ({ ops: ++runs }), probe, calibrated(),
      { ...options(), budget, sleep });
    expect(run).toEqual({ ops: 1, roundTripNs: [340, 340], reruns: 0, slowSpell: true });
    expect(slept).toEqual([250, 250]);
    expect(budget.ms).toBe(0);
  });
});

describe('bench/throughput.js spellBound', () => {
  it('waits out slow spells for every multi-thread run but the control, which shares no memory', () => {
    const workload = { op: 'balanced', key: 'number', dist: 'uniform', len: 1000 };
    expect(spellBound({ workload, impl: 'sharemap', threads: 2 })).toBe(true);
    expect(spellBound({ workload, impl: 'global-lock', threads: 4 })).toBe(true);
    expect(spellBound({ workload, impl: 'sharemap', threads: 1 })).toBe(false);
    expect(spellBound({ workload, impl: 'none', threads: 2 })).toBe(false);
  });
});
