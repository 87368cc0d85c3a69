// Code that runs in a worker thread: the worker's half of the run protocol whose steps (S1-S7)
// are written out at the top of src/scheduler.ts, plus the message shapes and barrier states
// both halves share, so they are defined once.
//
// Roles: a worker may block (it waits at the start barrier with `Atomics.wait`); the main thread
// never does. This module is platform-neutral and has no side effects: each platform's entry
// script (src/worker-node.ts, src/worker-browser.ts) takes the first message from its own channel
// (`parentPort`, `self`) and hands it to `serveWorker`, with its platform's ConcurrentMap.attach.
// Keeping the entry separate means browser bundlers never see `node:worker_threads`, and the
// scheduler can import the constants below without starting anything.

import type { MapHandle } from './options.js';
import type { WorkerTaskContext } from './scheduler.js';

// ╒═════════ Start barrier: one Int32 in a SharedArrayBuffer ═════════╕
// │ index  value          written by                 read by          │
// │   0    BARRIER_CLOSED main, before any spawn      workers, S4      │
// │        BARRIER_OPEN   main, once, S5 (+ notify)   workers, S4      │
// ╘════════════════════════════════════════════════════════════════════╛
export const BARRIER_STATE_INDEX = 0;
export const BARRIER_LENGTH = BARRIER_STATE_INDEX + 1;
export const BARRIER_CLOSED = 0;
export const BARRIER_OPEN = 1;

/** S1: the one message the main thread sends each worker. */
export interface InitMessage {
  /** The task module's URL (href), already resolved by the platform. */
  taskUrl: string;
  /** `map.handle`, or undefined when the run has no map. */
  handle: unknown;
  args: unknown;
  index: number;
  threads: number;
  /** BARRIER_LENGTH Int32s over a SharedArrayBuffer, laid out as drawn above. */
  barrier: Int32Array;
}

/** An error reduced to what survives structured cloning on every platform. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** Kept so e.g. a ConcurrentMapError's 'OUT_OF_MEMORY' reaches the main thread. */
  code?: string;
}

/** Messages a worker sends the main thread: S3 once, then S6 once. */
export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'result'; value: unknown }
  | { kind: 'error'; error: SerializedError };

/** The part of ConcurrentMap a worker uses. */
interface AttachedMap {
  close(): void;
}

/**
 * ConcurrentMap.attach, handed in by the entry script: importing src/map.ts here would make the
 * scheduler, which imports this file for its constants, load the map and its codecs too.
 */
export type AttachMap = (handle: MapHandle) => AttachedMap;

type TaskFunction = (map: AttachedMap | undefined, ctx: WorkerTaskContext) => unknown;

/**
 * Runs one worker's part of a run (S2-S6) and posts every outcome through `post`, errors
 * included. Preconditions: called once per worker, with the InitMessage the scheduler sent.
 */
export async function serveWorker(
  init: InitMessage,
  post: (message: WorkerMessage) => void,
  attach: AttachMap,
): Promise<void> {
  let map: AttachedMap | undefined;
  let outcome: WorkerMessage;
  try {
    const task = await importTask(init.taskUrl); // S2
    map = init.handle === undefined ? undefined : attach(init.handle as MapHandle); // S2
    post({ kind: 'ready' }); // S3
    waitForRelease(init.barrier); // S4
    const context: WorkerTaskContext = { index: init.index, threads: init.threads, args: init.args };
    outcome = { kind: 'result', value: await task(map, context) }; // S6
  } catch (error) {
    outcome = { kind: 'error', error: serializeError(error) };
  }
  // Closed before reporting, not after: the main thread terminates each worker as soon as it
  // has every result, which could cut off a close() that came later and leak this thread's
  // place in the map.
  try {
    map?.close();
  } catch (error) {
    if (outcome.kind === 'result') outcome = { kind: 'error', error: serializeError(error) };
  }
  try {
    post(outcome); // S6
  } catch (error) {
    // Only a result can fail to clone (an error is plain strings): report why instead of
    // leaving the main thread to wait for the deadline.
    const reason = error instanceof Error ? error.message : String(error);
    post({
      kind: 'error',
      error: serializeError(new TypeError(`the task's result could not be sent to the main thread: ${reason}`)),
    });
  }
}

async function importTask(taskUrl: string): Promise<TaskFunction> {
  const module = (await import(taskUrl)) as { default?: unknown };
  if (typeof module.default !== 'function') {
    throw new TypeError(`task module ${taskUrl} must have a function as its default export`);
  }
  return module.default as TaskFunction;
}

function waitForRelease(barrier: Int32Array): void {
  // S4: block until S5 stores BARRIER_OPEN. The loop tests the value, not the wake-up, so a
  // notify that lands before this wait (the wait then returns "not-equal") is not missed.
  while (Atomics.load(barrier, BARRIER_STATE_INDEX) === BARRIER_CLOSED) {
    Atomics.wait(barrier, BARRIER_STATE_INDEX, BARRIER_CLOSED);
  }
}

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    code: typeof code === 'string' ? code : undefined,
  };
}
