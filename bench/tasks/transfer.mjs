// One side of bench/transfer.js's probe. At each message from the main thread (a number of
// rounds) both sides meet at ARRIVED, then pass TURN back and forth: side 0 waits for an even
// value and stores the next odd one, side 1 the reverse, so each round moves TURN's line from one
// core to the other and back. Each side posts its elapsed ns. Between messages a side sleeps in
// the event loop and uses no CPU; the main thread resets both words before each burst.

import { parentPort, workerData } from 'node:worker_threads';

const { buffer, side, TURN, ARRIVED } = workerData;
const words = new Int32Array(buffer);

parentPort.on('message', (rounds) => {
  Atomics.add(words, ARRIVED, 1);
  while (Atomics.load(words, ARRIVED) < 2);
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    const mine = 2 * i + side;
    while (Atomics.load(words, TURN) !== mine);
    Atomics.store(words, TURN, mine + 1);
  }
  parentPort.postMessage(Number(process.hrtime.bigint() - start));
});
