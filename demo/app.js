// The demo page: its controls, the URL parameters that mirror them, and the views of a run (live
// per-thread throughput, map.stats(), the chart, the results table and the log). The run itself
// is runner.js; this file only starts it and shows what it reports.
//
// URL parameters (also written back to the address bar, so a run can be shared or repeated):
//   threads=4 mix=read keys=number dist=uniform size=1000 seconds=1 presize=0 autostart=1
// autostart runs at once. For automation, document.body.dataset.state goes loading -> idle ->
// running -> done (or error, with the message in #error, or stopped), and window.demoResult
// holds the figures once done.

import { WORKLOAD_OPS } from '/bench/workloads.js';
import { runBenchmark, opsDone } from './runner.js';
import { drawChart } from './chart.js';
import { formatCount, formatRate, implName, phaseName } from './format.js';
import { JS_MAP } from './protocol.js';

const BUNDLE_URL = '/dist/browser/sharemap.js';

/** What each mix does (bench/workloads.js has the definitions). */
const MIX_DESCRIPTIONS = {
  read: '100% get of present keys.',
  'read-heavy': '90% get, 10% set overwriting a present key.',
  balanced: '50% get, 50% set overwriting a present key.',
  churn: 'Pairs: insert a new key, delete the key this worker inserted 32 pairs earlier; the size stays near the map size.',
  counter: 'add(key, 1) on present keys: counters shared by every thread.',
};
const SIZES = [1000, 65536, 1_000_000];
const SECONDS = [0.5, 1, 2, 5];
// The map has 64 thread slots and the page holds one; beyond 32 a run is long and says little more.
const MAX_THREADS = Math.max(4, Math.min(navigator.hardwareConcurrency || 4, 32));

/** Every control: its choices as [value, text], and its default. */
const CONTROLS = {
  threads: { choices: range(1, MAX_THREADS).map((n) => [String(n), String(n)]), initial: String(Math.min(4, MAX_THREADS)) },
  mix: { choices: WORKLOAD_OPS.map((op) => [op, op]), initial: 'read' },
  keys: { choices: [['number', 'number'], ['string', "string ('key:' + i)"]], initial: 'number' },
  dist: { choices: [['uniform', 'uniform'], ['zipf', 'zipfian (θ 0.99)']], initial: 'uniform' },
  size: { choices: SIZES.map((n) => [String(n), formatCount(n)]), initial: '1000' },
  seconds: { choices: SECONDS.map((s) => [String(s), `${s} s`]), initial: '1' },
  presize: { choices: [['0', 'empty, grows while filling'], ['1', 'presized (initialCapacity)']], initial: '0' },
};

const $ = (selector) => document.querySelector(selector);
const ui = {
  form: $('#controls'), run: $('#run'), stop: $('#stop'), hint: $('#hint'),
  error: $('#error'), isolation: $('#isolation'), phaseLabel: $('#phase-label'), bars: $('#threads-live'), liveTotal: $('#live-total'),
  stats: $('#stats'), statsAge: $('#stats-age'), evacuationText: $('#evacuation-text'), evacuationBar: $('#evacuation-bar'),
  chart: $('#chart'), results: $('#results tbody'), log: $('#log'), environment: $('#environment'),
};

let ConcurrentMap;
let stopRun;

init();

async function init() {
  for (const [name, { choices }] of Object.entries(CONTROLS)) {
    ui.form.elements[name].append(...choices.map(([value, text]) => new Option(text, value)));
  }
  ui.form.elements.mix.addEventListener('change', showHint);
  ui.form.elements.threads.addEventListener('change', showHint);
  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    void start();
  });
  ui.stop.addEventListener('click', () => stopRun?.());
  ui.environment.textContent = `${navigator.hardwareConcurrency ?? '?'} logical cores reported · ${navigator.userAgent}`;
  drawChart(ui.chart, { threadCounts: [1, 2], points: [] });

  let params;
  try {
    params = readParams(new URLSearchParams(location.search));
  } catch (error) {
    return fail(error);
  }
  for (const [name, value] of Object.entries(params.controls)) ui.form.elements[name].value = value;
  showHint();

  if (!globalThis.crossOriginIsolated || typeof SharedArrayBuffer !== 'function') {
    ui.isolation.hidden = false;
    return fail(new Error('not cross-origin isolated: serve the page with Cross-Origin-Opener-Policy: same-origin ' +
      'and Cross-Origin-Embedder-Policy: require-corp (npm run demo does)'));
  }
  try {
    ({ ConcurrentMap } = await import(BUNDLE_URL));
  } catch (error) {
    return fail(new Error(`could not load ${BUNDLE_URL} (${error.message}): run npm run build first`));
  }
  ui.run.disabled = false;
  setState('idle');
  if (params.autostart) void start();
}

/** The controls named in the URL, checked against their choices, and whether to start at once. */
function readParams(search) {
  const controls = {};
  for (const [name, { choices, initial }] of Object.entries(CONTROLS)) {
    const value = search.get(name) ?? initial;
    if (!choices.some(([v]) => v === value)) {
      throw new RangeError(`URL parameter ${name}=${value} is not one of: ${choices.map(([v]) => v).join(', ')}`);
    }
    controls[name] = value;
  }
  return { controls, autostart: search.get('autostart') === '1' };
}

function readControls() {
  const value = (name) => ui.form.elements[name].value;
  return {
    maxThreads: Number(value('threads')),
    workload: { op: value('mix'), key: value('keys'), dist: value('dist'), len: Number(value('size')) },
    durationMs: Number(value('seconds')) * 1000,
    presize: value('presize') === '1',
  };
}

/** 1..T when that is a few runs; beyond 8, doublings and T, so the whole run stays short. */
function threadCountsUpTo(maxThreads) {
  if (maxThreads <= 8) return range(1, maxThreads);
  const counts = [];
  for (let t = 1; t < maxThreads; t *= 2) counts.push(t);
  return [...counts, maxThreads];
}

async function start() {
  const options = readControls();
  const search = new URLSearchParams(Object.keys(CONTROLS).map((name) => [name, ui.form.elements[name].value]));
  history.replaceState(null, '', `?${search}`);

  const controller = new AbortController();
  stopRun = () => controller.abort(new DOMException('stopped from the page', 'AbortError'));
  const threadCounts = threadCountsUpTo(options.maxThreads);
  const view = newView(threadCounts);
  resetViews();
  setControlsEnabled(false);
  setState('running');
  const frame = () => {
    render(view);
    view.frame = requestAnimationFrame(frame);
  };
  view.frame = requestAnimationFrame(frame);

  try {
    const { baseline, phases } = await runBenchmark({
      ConcurrentMap, ...options, threadCounts, signal: controller.signal,
      hooks: {
        log: (text) => log(view, text),
        map: (map) => (view.map = map),
        filled: (entries, len) => showFill(entries, len),
        phase: (phase) => startPhaseView(view, phase),
        result: (result) => addResult(view, result),
      },
    });
    view.phase = undefined;
    render(view, { force: true });
    const last = phases[phases.length - 1];
    window.demoResult = {
      opsPerSec: last.opsPerSec,
      perThread: last.perThread,
      threads: last.threads,
      mapOpsPerSec: baseline.opsPerSec,
      byThreads: phases.map(({ threads, opsPerSec, perThread }) => ({ threads, opsPerSec, perThread })),
      workload: options.workload,
      seconds: options.durationMs / 1000,
      stats: view.lastStats,
      hardwareConcurrency: navigator.hardwareConcurrency,
    };
    log(view, `done: ${formatRate(last.opsPerSec)} ops/s on ${last.threads} threads, ` +
      `${(last.opsPerSec / baseline.opsPerSec).toFixed(2)}x JS Map on one`);
    setState('done');
  } catch (error) {
    view.phase = undefined;
    if (controller.signal.aborted) {
      log(view, 'stopped; every worker was terminated');
      setState('stopped');
    } else {
      fail(error);
    }
  } finally {
    cancelAnimationFrame(view.frame);
    render(view, { force: true });
    // Every worker has closed its attachment or been terminated by now (runner.js, P7).
    view.map?.close();
    view.map = undefined;
    stopRun = undefined;
    setControlsEnabled(true);
  }
}

/** Everything the views of one run need between frames. */
function newView(threadCounts) {
  return {
    threadCounts, started: performance.now(), map: undefined, phase: undefined, samples: [],
    points: [], mapOpsPerSec: undefined, barMax: 1, lastStats: undefined, statsAt: 0, chartAt: 0, frame: 0,
  };
}

function resetViews() {
  ui.error.hidden = true;
  ui.results.replaceChildren();
  ui.log.replaceChildren();
  ui.bars.replaceChildren();
  ui.liveTotal.textContent = '';
  window.demoResult = undefined;
}

function startPhaseView(view, phase) {
  view.phase = phase;
  view.samples = [];
  ui.liveTotal.textContent = '';
  ui.bars.replaceChildren(...range(0, phase.threads - 1).map((i) => {
    const row = document.createElement('div');
    row.className = `bar-row ${phase.impl}`;
    row.innerHTML = `<span class="bar-name">thread ${i}</span><span class="bar"><span class="bar-fill"></span></span><span class="bar-value">warming up</span>`;
    return row;
  }));
}

function showFill(entries, len) {
  ui.phaseLabel.textContent = '· filling the map from the main thread';
  ui.bars.innerHTML = '<div class="bar-row fill"><span class="bar-name">entries</span><span class="bar"><span class="bar-fill"></span></span><span class="bar-value"></span></div>';
  ui.bars.querySelector('.bar-fill').style.width = `${(entries / len) * 100}%`;
  ui.bars.querySelector('.bar-value').textContent = `${formatCount(entries)} of ${formatCount(len)}`;
}

function addResult(view, result) {
  if (result.impl === JS_MAP) view.mapOpsPerSec = result.opsPerSec;
  else view.points.push({ threads: result.threads, opsPerSec: result.opsPerSec });
  showBars(view, result.perThread);
  const row = ui.results.insertRow();
  const vsMap = result.impl === JS_MAP ? '1.00x' : `${(result.opsPerSec / view.mapOpsPerSec).toFixed(2)}x`;
  for (const text of [implName(result.impl), result.threads, formatRate(result.opsPerSec),
    result.perThread.map(formatRate).join(' · '), vsMap]) {
    row.insertCell().textContent = text;
  }
  row.className = result.impl;
}

/** Per-frame work: live rates from the control array, stats at 10 Hz, the chart at 5 Hz. */
function render(view, { force = false } = {}) {
  const now = performance.now();
  const phase = view.phase;
  let live;
  if (phase?.openedAt !== undefined) {
    // Rates over the last half second of samples: steadier than frame-to-frame, still live.
    view.samples.push({ at: now, counts: opsDone(phase) });
    while (view.samples.length > 2 && now - view.samples[1].at > 500) view.samples.shift();
    const first = view.samples[0];
    const last = view.samples[view.samples.length - 1];
    if (last.at - first.at > 50) {
      const rates = last.counts.map((count, i) => ((count - first.counts[i]) / (last.at - first.at)) * 1e3);
      showBars(view, rates);
      if (phase.impl !== JS_MAP) live = { threads: phase.threads, opsPerSec: rates.reduce((a, b) => a + b, 0) };
    }
    ui.phaseLabel.textContent = `· ${phaseName(phase.impl, phase.threads)}, ` +
      `${Math.min((now - phase.openedAt) / 1000, 999).toFixed(1)} s`;
  } else if (phase) {
    ui.phaseLabel.textContent = `· ${phaseName(phase.impl, phase.threads)}: starting workers, warming up`;
  } else if (force) {
    ui.phaseLabel.textContent = '';
  }
  if (view.map && (force || now - view.statsAt > 100)) {
    view.statsAt = now;
    // stats() takes no lock (it pins the epoch and reads counters), so this never waits on workers.
    view.lastStats = view.map.stats();
    showStats(view.lastStats);
    ui.statsAge.textContent = force ? '· at the end of the run' : '· live';
  }
  if (force || now - view.chartAt > 200) {
    view.chartAt = now;
    drawChart(ui.chart, { threadCounts: view.threadCounts, points: view.points, live, mapOpsPerSec: view.mapOpsPerSec });
  }
}

function showBars(view, rates) {
  view.barMax = Math.max(view.barMax, ...rates);
  ui.bars.querySelectorAll('.bar-row').forEach((row, i) => {
    if (rates[i] === undefined) return;
    row.querySelector('.bar-fill').style.width = `${(rates[i] / view.barMax) * 100}%`;
    row.querySelector('.bar-value').textContent = `${formatRate(rates[i])} ops/s`;
  });
  const total = rates.reduce((a, b) => a + b, 0);
  const vsMap = view.phase?.impl !== JS_MAP && view.mapOpsPerSec ? `, ${(total / view.mapOpsPerSec).toFixed(2)}x JS Map` : '';
  ui.liveTotal.textContent = `total ${formatRate(total)} ops/s${vsMap}`;
}

function showStats(stats) {
  const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const rows = [
    ['entries (size)', formatCount(stats.size)],
    ['B', `${stats.B}`],
    ['buckets', `${formatCount(stats.buckets)} + ${formatCount(stats.overflowBuckets)} overflow`],
    ['load', `${(stats.size / stats.buckets).toFixed(2)} per bucket`],
    ['growing', stats.growing ? `yes, from ${formatCount(stats.oldBuckets)} buckets` : 'no'],
    ['memory', `${mib(stats.memoryUsed)} used of ${mib(stats.memoryReserved)}`],
    ['lock spins · waits', `${formatCount(stats.lockSpins)} · ${formatCount(stats.lockWaits)}`],
    ['threads attached', `${stats.threads}`],
  ];
  ui.stats.replaceChildren(...rows.flatMap(([term, value]) => {
    const dt = document.createElement('dt');
    const dd = document.createElement('dd');
    dt.textContent = term;
    dd.textContent = value;
    return [dt, dd];
  }));
  const share = stats.growing ? stats.evacuatedBuckets / stats.oldBuckets : 0;
  ui.evacuationBar.style.width = `${share * 100}%`;
  ui.evacuationText.textContent = stats.growing
    ? `${formatCount(stats.evacuatedBuckets)} of ${formatCount(stats.oldBuckets)} old buckets moved`
    : 'not growing';
}

function log(view, text) {
  const item = document.createElement('li');
  const at = document.createElement('span');
  at.className = 'muted';
  at.textContent = `${((performance.now() - view.started) / 1000).toFixed(2)} s `;
  item.append(at, text);
  ui.log.append(item);
  // Scroll the log box only; scrollIntoView would move the whole page while someone reads it.
  ui.log.scrollTop = ui.log.scrollHeight;
}

function fail(error) {
  ui.error.textContent = error?.message ?? String(error);
  ui.error.hidden = false;
  setState('error');
}

function setState(state) {
  document.body.dataset.state = state;
}

function setControlsEnabled(enabled) {
  for (const element of ui.form.elements) element.disabled = !enabled;
  ui.stop.disabled = enabled;
}

/** What the chosen mix does, and a warning when the threads outnumber the cores. */
function showHint() {
  const cores = navigator.hardwareConcurrency;
  const threads = Number(ui.form.elements.threads.value);
  const crowded = cores && threads > cores
    ? ` ${threads} threads on ${cores} logical cores: from ${cores + 1} threads on, workers take turns on a core, so expect no further gain.`
    : '';
  ui.hint.textContent = `${MIX_DESCRIPTIONS[ui.form.elements.mix.value] ?? ''}${crowded}`;
}

function range(from, to) {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
