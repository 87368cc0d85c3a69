// runWorkers on real Node workers, without a map (src/map.ts is not part of these tests): results
// by index, the start barrier, and that every way a run can end (success, a failing task, an
// exit without a result, the deadline) settles with no worker left running.
//
// Workers cannot load .ts files, so this runs the compiled dist/: `npx tsc -p tsconfig.json`
// first. The main thread of the test never blocks; only the fixture tasks wait.

import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrentMapError } from '../dist/errors.js';
import type { WorkerLike, WorkerPlatform } from '../dist/platform.js';
import { nodeWorkerPlatform } from '../dist/platform-node.js';
import { runWorkers, measure } from '../dist/scheduler.js';

const task = (name: string) => new URL(`./fixtures/tasks/${name}.mjs`, import.meta.url);

/** Called with each message a worker posts; the scheduler sees it only when `deliver` runs. */
type MessageHook = (index: number, message: { kind: string }, deliver: () => void) => void;

const spawnedByAllPlatforms: WorkerLike[] = [];

/**
 * The Node platform, wrapped to count live workers (spawned and not yet exited) and, with a hook,
 * to control when the scheduler sees each worker's messages.
 */
function testPlatform(hook?: MessageHook) {
  const base = nodeWorkerPlatform();
  let live = 0;
  let spawned = 0;
  const platform: WorkerPlatform = {
    workerScript: base.workerScript,
    resolveModuleUrl: (url) => base.resolveModuleUrl(url),
    spawn(scriptUrl, options) {
      // The scheduler spawns in index order, so the spawn count is the worker's index.
      const index = spawned++;
      const worker = base.spawn(scriptUrl, options);
      spawnedByAllPlatforms.push(worker);
      live++;
      // Registered before the scheduler's own exit callback and terminate(), so the count is
      // already down when the run's promise settles.
      worker.onExit(() => live--);
      // Node delivers a worker's messages before its 'exit'; a held message must not lose that
      // order, or a worker that posted its result and exited would look like one that did not.
      let undelivered = 0;
      let deferredExit: (() => void) | undefined;
      return {
        ...worker,
        onMessage(callback) {
          worker.onMessage((message) => {
            if (!hook) return callback(message);
            undelivered++;
            hook(index, message as { kind: string }, () => {
              undelivered--;
              callback(message);
              const exit = undelivered === 0 ? deferredExit : undefined;
              if (exit) {
                deferredExit = undefined;
                exit();
              }
            });
          });
        },
        onExit(callback) {
          worker.onExit((exitCode) => {
            if (undelivered === 0) return callback(exitCode);
            deferredExit = () => callback(exitCode);
          });
        },
      };
    },
  };
  return { platform, live: () => live, spawned: () => spawned };
}

afterEach(async () => {
  // A worker stuck in Atomics.wait outlives a failed test; never let one leak into the next.
  await Promise.allSettled(spawnedByAllPlatforms.splice(0).map((worker) => worker.terminate()));
});

async function rejection(promise: Promise<unknown>): Promise<ConcurrentMapError> {
  const error = await promise.then(
    () => expect.fail('the run should have rejected'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(ConcurrentMapError);
  return error as ConcurrentMapError;
}

describe('runWorkers', () => {
  it('returns results in index order, even when they arrive in reverse', async () => {
    // Forces the interleaving: the hook holds every 'result' until all have arrived, then
    // delivers them from the highest index down.
    const held: (() => void)[] = [];
    const threads = 4;
    const { platform, live } = testPlatform((index, message, deliver) => {
      if (message.kind !== 'result') return deliver();
      held[index] = deliver;
      if (held.filter(Boolean).length === threads) held.reverse().forEach((send) => send());
    });
    const args = { label: 'shared args', list: [1, 2, 3] };

    const results = await runWorkers(platform, { task: task('echo'), threads, args, timeoutMs: 10_000 });

    expect(results).toEqual([0, 1, 2, 3].map((index) => ({ index, threads, args, hasMap: false })));
    expect(live()).toBe(0);
  });

  it('accepts an absolute path as the task', async () => {
    const { platform, live } = testPlatform();
    const results = await runWorkers(platform, { task: fileURLToPath(task('echo')), threads: 1, timeoutMs: 10_000 });
    expect(results).toEqual([{ index: 0, threads: 1, args: undefined, hasMap: false }]);
    expect(live()).toBe(0);
  });

  it('starts no task before every worker has reported ready', async () => {
    // The hook counts each 'ready' into readySeen as it hands it to the scheduler, and holds the
    // last one back for a while. Without the barrier, the workers already counted would run
    // their tasks during that hold and read fewer than `threads`; with it, none runs until the
    // scheduler has seen all readies. The hold only gives a missing barrier time to show:
    // a correct scheduler passes however long it is.
    const threads = 4;
    const readySeen = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
    let readyArrived = 0;
    const { platform, live } = testPlatform((_index, message, deliver) => {
      if (message.kind !== 'ready') return deliver();
      const countAndDeliver = () => {
        Atomics.add(readySeen, 0, 1);
        deliver();
      };
      if (++readyArrived < threads) countAndDeliver();
      else setTimeout(countAndDeliver, 200);
    });

    const results = await runWorkers(platform, {
      task: task('count-ready'),
      threads,
      args: { readySeen },
      timeoutMs: 10_000,
    });

    expect(results).toEqual([threads, threads, threads, threads]);
    expect(live()).toBe(0);
  });

  it('rejects with WORKER_FAILED naming the worker, with its error as cause, and stops the others', async () => {
    const { platform, live } = testPlatform();

    const error = await rejection(
      runWorkers(platform, { task: task('fail-one'), threads: 3, args: { failIndex: 1 }, timeoutMs: 10_000 }),
    );

    expect(error.code).toBe('WORKER_FAILED');
    expect(error.message).toContain('worker 1');
    expect(error.message).toContain('boom from worker 1');
    const cause = error.cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe('RangeError');
    expect(cause.message).toBe('boom from worker 1');
    expect(cause.stack).toContain('fail-one.mjs');
    // Workers 0 and 2 were blocked forever: only terminate() could have stopped them.
    expect(live()).toBe(0);
  });

  it('rejects with WORKER_FAILED when a worker exits without reporting', async () => {
    const { platform, live } = testPlatform();

    const error = await rejection(
      runWorkers(platform, { task: task('exit'), threads: 2, args: { exitIndex: 0 }, timeoutMs: 10_000 }),
    );

    expect(error.code).toBe('WORKER_FAILED');
    expect(error.message).toContain('worker 0 exited with code 3');
    expect(live()).toBe(0);
  });

  it('rejects with WORKER_FAILED when the task module has no default export', async () => {
    const { platform, live } = testPlatform();

    const error = await rejection(runWorkers(platform, { task: task('no-default'), threads: 2, timeoutMs: 10_000 }));

    expect(error.code).toBe('WORKER_FAILED');
    expect(error.message).toContain('must have a function as its default export');
    expect((error.cause as Error).name).toBe('TypeError');
    expect(live()).toBe(0);
  });

  it('rejects with WORKER_FAILED when a result cannot be cloned', async () => {
    const { platform, live } = testPlatform();

    const error = await rejection(
      runWorkers(platform, { task: task('uncloneable-result'), threads: 1, timeoutMs: 10_000 }),
    );

    expect(error.code).toBe('WORKER_FAILED');
    expect(error.message).toContain('could not be sent to the main thread');
    expect(live()).toBe(0);
  });

  it('terminates tasks stuck in Atomics.wait or a loop at the deadline, with WORKER_TIMEOUT', async () => {
    const { platform, live } = testPlatform();

    const error = await rejection(runWorkers(platform, { task: task('stuck'), threads: 2, timeoutMs: 500 }));

    expect(error.code).toBe('WORKER_TIMEOUT');
    expect(error.message).toContain('running the task: 0, 1');
    expect(live()).toBe(0);
  });

  it('terminates workers stuck before the start barrier at the deadline', async () => {
    const { platform, live } = testPlatform();

    const error = await rejection(runWorkers(platform, { task: task('stuck-loading'), threads: 2, timeoutMs: 500 }));

    expect(error.code).toBe('WORKER_TIMEOUT');
    expect(error.message).toContain('loading the task or attaching the map: 0, 1');
    expect(live()).toBe(0);
  });

  it.each([
    ['threads', { threads: 0 }, RangeError, 'options.threads'],
    ['threads', { threads: 1.5 }, RangeError, 'options.threads'],
    ['timeoutMs', { timeoutMs: 0 }, RangeError, 'options.timeoutMs'],
    ['timeoutMs', { timeoutMs: 2 ** 31 }, RangeError, 'options.timeoutMs'],
    ['task', { task: 'fixtures/tasks/echo.mjs' }, RangeError, 'options.task'],
    ['map', { map: {} }, TypeError, 'options.map'],
  ])('rejects a bad options.%s before spawning: %o', async (_name, override, errorClass, text) => {
    const { platform, spawned } = testPlatform();
    const run = runWorkers(platform, { task: task('echo'), threads: 1, ...override } as never);
    await expect(run).rejects.toThrow(errorClass);
    await expect(run).rejects.toThrow(text);
    expect(spawned()).toBe(0);
  });

  it('rejects args that cannot be cloned, with no worker left running', async () => {
    const { platform, live } = testPlatform();
    const run = runWorkers(platform, { task: task('echo'), threads: 2, args: { fn: () => 1 }, timeoutMs: 10_000 });
    await expect(run).rejects.toThrow('options.args and options.map must be structured-cloneable');
    expect(live()).toBe(0);
  });
});

describe('measure', () => {
  it('returns the value and a non-negative duration', async () => {
    const measured = await measure(async () => 42);
    expect(measured.value).toBe(42);
    expect(measured.elapsedMs).toBeGreaterThanOrEqual(0);
  });
});
