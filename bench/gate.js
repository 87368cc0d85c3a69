// The start gate of a timed window (T4 in bench/tasks/*.mjs): a one-shot counter over a
// SharedArrayBuffer. Each worker adds itself; the last to arrive wakes the others. Workers only:
// the main thread cannot Atomics.wait.

/** `gate` is an Int32Array of one zeroed element over a SharedArrayBuffer. */
export function arriveAndWait(gate, threads) {
  const arrived = Atomics.add(gate, 0, 1) + 1;
  if (arrived === threads) {
    Atomics.notify(gate, 0);
    return;
  }
  for (let seen = arrived; seen < threads; seen = Atomics.load(gate, 0)) Atomics.wait(gate, 0, seen);
}

export const newGate = () => new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
