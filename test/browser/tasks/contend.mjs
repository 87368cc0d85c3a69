// Runs in a Web Worker against the page's main thread (fixtures/main-thread.mjs): adds 1 to the
// same few keys until the page says stop, and publishes how many of its adds happened entirely
// while the page's own add loop was running, which shows the two really overlapped. An add here
// is update(), whose compare-and-set takes the chain lock: `add` of a present key takes none
// (assembly/README.md, C1–C6), so it would never contend for one.
import { CONTROL } from '../fixtures/control.mjs';

export default function contend(map, { index, args }) {
  const { control, keys } = args;
  const added = new Array(keys).fill(0);
  Atomics.add(control, CONTROL.STARTED, 1);
  Atomics.notify(control, CONTROL.STARTED);
  for (let i = index; Atomics.load(control, CONTROL.STOP) === 0; i++) {
    const key = i % keys;
    const pageWasRunning = Atomics.load(control, CONTROL.PAGE_RUNNING) === 1;
    map.update(key, increment);
    added[key]++;
    if (pageWasRunning && Atomics.load(control, CONTROL.PAGE_RUNNING) === 1) Atomics.add(control, CONTROL.OVERLAPPED + index, 1);
  }
  return { added, overlapped: Atomics.load(control, CONTROL.OVERLAPPED + index) };
}

/** The locked add: update() retries its compare-and-set until it lands. */
export const increment = (value) => (value ?? 0) + 1;
