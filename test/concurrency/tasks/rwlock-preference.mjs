// Strategy 'rwlock' prefers writers, forced step by step (test/concurrency/rwlock.test.ts), with
// the debug build's hooks (debugReadLock holds the read lock across calls). Three threads:
//   0 (holder) takes the read lock and keeps it;
//   1 (writer) calls set(KEY, 1): it announces itself (WRITER in rwState) and waits for readers;
//   2 (reader) then calls get(KEY).
// With writer preference the reader must queue behind the writer (a waiting reader in rwState),
// so its get returns the writer's value. A reader-preferring lock would let it in at once,
// beside the holder, and its get would return undefined. The holder releases only once it has
// seen one of the two outcomes, so nothing here depends on timing.
import { coreExports } from 'sharemap/testing';
import { signal, waitAtLeast } from './common.mjs';

const KEY = 1;
const WRITER_BIT = 1 << 16; // assembly/layout.ts RW_WRITER
const WAITING_MASK = 0xff << 8; // RW_WAITING_MASK
const HELD = 0;
const WRITER_WAITING = 1;
const READER_DONE = 2;
export const WORDS = 3;

/** Polls `done` (not a clock: each pause is a bounded wait on a word nobody signals). */
function until(words, done) {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!done()) Atomics.wait(pause, 0, 0, 1);
}

export default function rwlockPreference(map, { index, args }) {
  const { words } = args;
  const x = coreExports(map);
  if (index === 0) {
    x.debugReadLock();
    signal(words, HELD, 1);
    until(words, () => (x.debugRwState() & WRITER_BIT) !== 0);
    signal(words, WRITER_WAITING, 1);
    let readerQueued = false;
    until(words, () => {
      readerQueued = (x.debugRwState() & WAITING_MASK) !== 0;
      return readerQueued || Atomics.load(words, READER_DONE) !== 0;
    });
    x.debugReadUnlock();
    return { readerQueued };
  }
  if (index === 1) {
    waitAtLeast(words, HELD, 1);
    map.set(KEY, 1);
    return {};
  }
  waitAtLeast(words, WRITER_WAITING, 1);
  const got = map.get(KEY);
  signal(words, READER_DONE, 1);
  return { got: got ?? null };
}
