// A safety net under every test file (vitest.config.ts setupFiles). vitest's timeouts run on the
// test thread's event loop, so a test whose thread blocks for good (say, a map call sleeping in
// Atomics.wait on a lock word that a broken core never releases) would hang the whole run rather
// than fail. A watchdog worker watches a heartbeat that the test thread's event loop bumps once a
// second; when it has stood still for STALL_MS, the watchdog writes why to stderr and kills the
// process, and vitest reports the file as failed. STALL_MS is far above any test's own deadline
// (vitest.config.ts testTimeout, 120 s); SHAREMAP_TEST_WATCHDOG_MS overrides it.
import { Worker } from 'node:worker_threads';

const STALL_MS = Number(process.env.SHAREMAP_TEST_WATCHDOG_MS ?? 240_000);

const beat = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
setInterval(() => Atomics.add(beat, 0, 1), 1000).unref();

const watchdog = new Worker(
  `
  const { workerData } = require('node:worker_threads');
  const { writeSync } = require('node:fs');
  const beat = new Int32Array(workerData.buffer);
  let last = Atomics.load(beat, 0);
  let since = Date.now();
  setInterval(() => {
    const now = Atomics.load(beat, 0);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since > workerData.stallMs) {
      // fd 2 directly: a worker's process.stderr goes through the blocked thread.
      writeSync(2, '\\ntest/setup/watchdog.ts: the test thread has not run its event loop for ' +
        workerData.stallMs + ' ms (blocked, e.g. in Atomics.wait); killing the test process\\n');
      process.kill(process.pid, 'SIGKILL');
    }
  }, 1000);
  `,
  { eval: true, workerData: { buffer: beat.buffer, stallMs: STALL_MS } },
);
watchdog.unref();
