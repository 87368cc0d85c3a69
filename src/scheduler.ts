// The main-thread side of the workers: `runWorkers` runs one task module on N worker threads
// against one shared map, releases them together through a start barrier, and collects their
// results by index. The worker side is src/worker.ts; the platform's Worker comes in through
// src/platform.ts, so this file imports no platform module.
//
// Roles: the main thread never blocks. It only stores and notifies on the barrier and learns
// everything else from messages; workers are the ones that wait.
//
// The run protocol (cited as S1-S7 here and in src/worker.ts):
//   S1 main    store BARRIER_CLOSED, spawn N workers, post each its InitMessage.
//   S2 worker  import the task module; attach the map's handle if there is one.
//   S3 worker  post 'ready'.
//   S4 worker  Atomics.wait on the barrier while it reads BARRIER_CLOSED.
//   S5 main    after N 'ready' messages: Atomics.store BARRIER_OPEN, then Atomics.notify all.
//              So no task starts before every worker has loaded its task and attached the map.
//   S6 worker  run the task; close the map; post 'result' or 'error'.
//   S7 main    settle: resolve with N results by index; reject on the first 'error', platform
//              error or exit without a result (WORKER_FAILED), or at the deadline
//              (WORKER_TIMEOUT). In every case, terminate every worker before settling, so
//              none is left running, even one stuck in a loop or in Atomics.wait.

import { ConcurrentMapError, messages } from './errors.js';
import type { WorkerLike, WorkerPlatform } from './platform.js';
import {
  BARRIER_CLOSED,
  BARRIER_LENGTH,
  BARRIER_OPEN,
  BARRIER_STATE_INDEX,
  type InitMessage,
  type SerializedError,
  type WorkerMessage,
} from './worker.js';

/** The second argument of a task; the first is the attached map (undefined without one). */
export interface WorkerTaskContext {
  /** 0 to threads - 1; results come back in this order. */
  index: number;
  threads: number;
  /** `options.args`, as structured-cloned into this worker. */
  args: unknown;
}

export interface RunOptions {
  /**
   * The task module: a URL or an absolute path (as the platform understands one) of an ES module
   * whose default export is `(map, ctx) => result | Promise<result>`. The result must be
   * structured-cloneable.
   */
  task: string | URL;
  /** How many workers run the task; an integer >= 1. */
  threads: number;
  /** A ConcurrentMap; each worker attaches `map.handle` before the start barrier. */
  map?: { handle: unknown };
  /** Structured-cloneable; every task receives its own copy (SharedArrayBuffers stay shared). */
  args?: unknown;
  /** Deadline for the whole run, start-up included; default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
// setTimeout fires at once for longer delays (they overflow a signed 32-bit count).
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Runs `options.task` on `options.threads` workers at once and resolves with their results by
 * index. Rejects with ConcurrentMapError 'WORKER_FAILED' (the worker's error as `cause`) or
 * 'WORKER_TIMEOUT'; by the time the promise settles every worker has been terminated.
 */
export async function runWorkers(platform: WorkerPlatform, options: RunOptions): Promise<unknown[]> {
  const checked = checkOptions(platform, options);
  if (typeof SharedArrayBuffer !== 'function') {
    throw new ConcurrentMapError('NO_SHARED_MEMORY', messages.noSharedMemory());
  }
  return new Run(platform, checked).settled;
}

/** What `measure` returns: the function's value and how long it took on this thread. */
export interface Measured<T> {
  value: T;
  elapsedMs: number;
}

/**
 * Times `fn` with `performance.now()`, for tasks that report their own duration: called inside a
 * task, the time excludes worker start-up, module loading and the wait at the start barrier.
 */
export async function measure<T>(fn: () => T | Promise<T>): Promise<Measured<T>> {
  const start = performance.now();
  const value = await fn();
  return { value, elapsedMs: performance.now() - start };
}

interface CheckedOptions {
  taskUrl: string;
  threads: number;
  handle: unknown;
  args: unknown;
  timeoutMs: number;
}

function checkOptions(platform: WorkerPlatform, options: RunOptions): CheckedOptions {
  const { threads, map, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  if (!Number.isSafeInteger(threads) || threads < 1) {
    throw new RangeError(`options.threads must be an integer >= 1, got ${String(threads)}`);
  }
  if (typeof timeoutMs !== 'number' || !(timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS)) {
    throw new RangeError(`options.timeoutMs must be between 1 and ${MAX_TIMEOUT_MS} ms, got ${String(timeoutMs)}`);
  }
  if (map !== undefined && (typeof map !== 'object' || map === null || !('handle' in map))) {
    throw new TypeError('options.map must be a ConcurrentMap (an object with a `handle`)');
  }
  if (typeof options.task !== 'string' && !(options.task instanceof URL)) {
    throw new TypeError('options.task must be a URL or an absolute path to an ES module');
  }
  return {
    taskUrl: platform.resolveModuleUrl(options.task).href,
    threads,
    handle: map?.handle,
    args: options.args,
    timeoutMs,
  };
}

/** Where each worker is in the protocol; the timeout message reports the unfinished ones. */
type Stage = 'loading' | 'waiting' | 'running' | 'done';

const stageDescriptions: Record<Exclude<Stage, 'done'>, string> = {
  loading: 'loading the task or attaching the map',
  waiting: 'waiting at the start barrier',
  running: 'running the task',
};

/** One call of runWorkers: its workers, their stages and results, and the one way it settles. */
class Run {
  readonly settled: Promise<unknown[]>;
  private readonly workers: WorkerLike[] = [];
  private readonly stages: Stage[];
  private readonly results: unknown[];
  private readonly barrier = new Int32Array(new SharedArrayBuffer(BARRIER_LENGTH * Int32Array.BYTES_PER_ELEMENT));
  private readyCount = 0;
  private doneCount = 0;
  private isSettling = false;
  private readonly deadline: ReturnType<typeof setTimeout>;
  private resolve!: (results: unknown[]) => void;
  private reject!: (error: unknown) => void;

  constructor(platform: WorkerPlatform, private readonly options: CheckedOptions) {
    this.settled = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.stages = new Array<Stage>(options.threads).fill('loading');
    this.results = new Array<unknown>(options.threads);
    this.deadline = setTimeout(() => this.onDeadline(), options.timeoutMs);
    Atomics.store(this.barrier, BARRIER_STATE_INDEX, BARRIER_CLOSED); // S1
    this.spawnAll(platform);
  }

  private spawnAll(platform: WorkerPlatform): void {
    const { taskUrl, handle, args, threads } = this.options;
    for (let index = 0; index < threads; index++) {
      let worker: WorkerLike;
      try {
        worker = platform.spawn(platform.workerScript, { name: `sharemap worker ${index}` });
      } catch (error) {
        this.fail(error);
        return;
      }
      this.workers.push(worker);
      worker.onMessage((message) => this.onMessage(index, message as WorkerMessage));
      worker.onError((error) => this.onWorkerError(index, error));
      worker.onExit((exitCode) => this.onExit(index, exitCode));
      const init: InitMessage = { taskUrl, handle, args, index, threads, barrier: this.barrier }; // S1
      try {
        worker.postMessage(init);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.fail(new TypeError(messages.argsNotCloneable(message), { cause: error }));
        return;
      }
    }
  }

  private onMessage(index: number, message: WorkerMessage): void {
    if (this.isSettling) return;
    switch (message.kind) {
      case 'ready':
        this.stages[index] = 'waiting';
        if (++this.readyCount === this.options.threads) this.release();
        break;
      case 'result':
        this.stages[index] = 'done';
        this.results[index] = message.value;
        if (++this.doneCount === this.options.threads) this.settle(() => this.resolve(this.results));
        break;
      case 'error': {
        const cause = reviveError(message.error);
        this.fail(new ConcurrentMapError('WORKER_FAILED', messages.workerFailed(index, cause.message), { cause }));
        break;
      }
    }
  }

  private release(): void {
    this.stages.fill('running');
    Atomics.store(this.barrier, BARRIER_STATE_INDEX, BARRIER_OPEN); // S5
    Atomics.notify(this.barrier, BARRIER_STATE_INDEX); // S5: wakes every worker waiting in S4
  }

  private onWorkerError(index: number, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.fail(new ConcurrentMapError('WORKER_FAILED', messages.workerFailed(index, message), { cause: error }));
  }

  private onExit(index: number, exitCode: number | undefined): void {
    // Exits after 'done' are normal; those during settling are our own terminate() calls.
    if (this.stages[index] === 'done') return;
    this.fail(new ConcurrentMapError('WORKER_FAILED', messages.workerExited(index, exitCode)));
  }

  private onDeadline(): void {
    const unfinished = describeUnfinished(this.stages);
    this.fail(new ConcurrentMapError('WORKER_TIMEOUT', messages.workerTimeout(this.options.timeoutMs, unfinished)));
  }

  private fail(error: unknown): void {
    this.settle(() => this.reject(error));
  }

  /** S7: the first outcome wins; every worker is terminated before the promise settles. */
  private settle(finish: () => void): void {
    if (this.isSettling) return;
    this.isSettling = true;
    clearTimeout(this.deadline);
    // `async` turns a terminate() that throws into a rejection, which allSettled absorbs: a worker
    // that cannot be terminated must not keep the run from settling.
    void Promise.allSettled(this.workers.map(async (worker) => worker.terminate())).then(finish);
  }
}

function describeUnfinished(stages: readonly Stage[]): string {
  const byStage = new Map<Exclude<Stage, 'done'>, number[]>();
  stages.forEach((stage, index) => {
    if (stage === 'done') return;
    const indices = byStage.get(stage) ?? [];
    indices.push(index);
    byStage.set(stage, indices);
  });
  return [...byStage].map(([stage, indices]) => `${stageDescriptions[stage]}: ${indices.join(', ')}`).join('; ');
}

/** Rebuilds a worker's error on this thread, keeping its name, message, stack and code. */
function reviveError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  // Without a worker stack, show none rather than this thread's stack, which would mislead.
  error.stack = serialized.stack ?? `${serialized.name}: ${serialized.message}`;
  if (serialized.code !== undefined) Object.assign(error, { code: serialized.code });
  return error;
}
