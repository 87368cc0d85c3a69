// Strategy 'owned' misuse, with real threads (test/concurrency/owned-misuse.test.ts). Every
// thread keeps a log of what its operations did, counting an operation that threw a
// ConcurrentMapMisuseError as having changed nothing; the test then checks the map against the
// union of the logs, exactly. Modes:
//  - 'writes': every thread writes (set, delete, add) its own keys; the threads meet at a
//    barrier every `roundOps` operations, so they overlap however the OS schedules them, for at
//    least `rounds` rounds and then until some error was seen (at most `maxRounds`: on a loaded
//    2-core machine a round can pass with the threads never running at once).
//    Expected: CONCURRENT_WRITES, naming the other writer.
//  - 'read': thread 0 writes its keys, the others read them. Expected: READ_DURING_WRITE in the
//    readers (the writer never sees one: reads do not hold the owner word); a read that returned
//    must return a value of the key read, or undefined.
//  - 'iterate': forced interleaving, per round: thread 0 starts an iteration and pauses inside it
//    (words[STARTED]); every other thread then tries, one after another, set, delete, add and
//    clear, each of which must throw WRITE_DURING_ITERATION naming thread 0, and a get, which
//    must work; when all
//    are done (words[TRIED]) thread 0 finishes its pass, writing to the map itself meanwhile (a
//    thread may write during its own iteration), and signals words[ENDED]; then the others
//    write one after another (words[TURN]), and those writes must succeed.
import { threadId } from 'node:worker_threads';
import { barrier, bump, waitAtLeast, ownedKey, numberValue, numberValueKey } from './common.mjs';

const KEY_SPACE = 1 << 20;
export const STARTED = 2;
export const TRIED = 3;
export const ENDED = 4;
/** Misuse errors seen by all threads so far ('writes', 'read'): the run goes on until there are some. */
export const SEEN = 5;
/** 'iterate': after ENDED the writers write one at a time, in index order, counted here. */
export const TURN = 6;
export const WORDS = 7;

export default function ownedMisuse(map, { index, threads, args }) {
  const { mode, words, rounds, maxRounds = rounds, roundOps, ownKeys } = args;
  // Every thread decides between the same two barriers, so all agree whether to go on.
  const goOn = (round) => {
    barrier(words, 0, threads);
    const more = round < rounds || (round < maxRounds && Atomics.load(words, SEEN) === 0);
    barrier(words, 0, threads);
    return more;
  };
  const state = new Map(); // key -> the value this thread left there, undefined if it deleted it
  const result = { index, threadId, errors: {}, sample: {}, wrongReads: 0, unexpected: [] };
  const note = (error, expectCode) => {
    if (error?.name !== 'ConcurrentMapMisuseError' || (expectCode && error.code !== expectCode)) {
      if (result.unexpected.length < 3) result.unexpected.push(`${error?.name}: ${error?.code} ${error?.message}`);
      return;
    }
    result.errors[error.code] = (result.errors[error.code] ?? 0) + 1;
    Atomics.add(words, SEEN, 1);
    result.sample[error.code] ??= { thread: error.thread, otherThread: error.otherThread, message: error.message };
  };
  const attempt = (fn, expectCode) => {
    try {
      fn();
      return true;
    } catch (error) {
      note(error, expectCode);
      return false;
    }
  };
  let version = 1;
  const write = (j) => {
    const key = ownedKey(index, threads, j);
    const r = (j * 7 + version) % 10;
    // add keeps value % KEY_SPACE === key only on a present key (an absent one counts as 0).
    if (r < 6 || (r >= 8 && state.get(key) === undefined)) {
      const value = numberValue(key, version++, KEY_SPACE);
      if (attempt(() => map.set(key, value), 'CONCURRENT_WRITES')) state.set(key, value);
    } else if (r < 8) {
      if (attempt(() => map.delete(key), 'CONCURRENT_WRITES')) state.set(key, undefined); // undefined: deleted
    } else {
      let sum;
      if (attempt(() => { sum = map.add(key, KEY_SPACE); }, 'CONCURRENT_WRITES')) state.set(key, sum);
    }
  };

  if (mode === 'writes') {
    for (let round = 0; goOn(round); round++) {
      for (let i = 0; i < roundOps; i++) write(i % ownKeys);
    }
  } else if (mode === 'read') {
    for (let round = 0; goOn(round); round++) {
      for (let i = 0; i < roundOps; i++) {
        const j = (i * 31 + round) % ownKeys;
        if (index === 0) {
          write(j);
          continue;
        }
        const key = ownedKey(0, threads, j);
        let got;
        if (attempt(() => { got = map.get(key); }, 'READ_DURING_WRITE') &&
            got !== undefined && numberValueKey(got, KEY_SPACE) !== key) result.wrongReads++;
      }
    }
  } else if (mode === 'iterate') {
    for (let round = 0; round < rounds; round++) {
      barrier(words, 0, threads);
      if (index === 0) {
        let paused = false;
        for (const [key] of map.entries()) {
          if (!paused) {
            bump(words, STARTED);
            waitAtLeast(words, TRIED, (round + 1) * (threads - 1));
            paused = true;
          }
          if (key % threads === 0) write(key / threads); // own keys, during own iteration: allowed
        }
        if (!paused) throw new Error('the map was empty: nothing to iterate');
        bump(words, ENDED);
      } else {
        waitAtLeast(words, STARTED, round + 1);
        // One writer at a time here too: two trying at once would (rightly) see each other first.
        waitAtLeast(words, TRIED, round * (threads - 1) + index - 1);
        const key = ownedKey(index, threads, round % ownKeys);
        const tried = [
          attempt(() => map.set(key, numberValue(key, version++, KEY_SPACE)), 'WRITE_DURING_ITERATION'),
          attempt(() => map.delete(key), 'WRITE_DURING_ITERATION'),
          attempt(() => map.add(key, KEY_SPACE), 'WRITE_DURING_ITERATION'),
          attempt(() => map.clear(), 'WRITE_DURING_ITERATION'),
        ];
        if (tried.some((ok) => ok)) result.unexpected.push(`round ${round}: a write succeeded during another thread's iteration`);
        if (!attempt(() => map.get(key))) result.unexpected.push(`round ${round}: a read failed during an iteration`);
        bump(words, TRIED);
        waitAtLeast(words, ENDED, round + 1);
        waitAtLeast(words, TURN, round * (threads - 1) + index - 1); // one writer at a time
        for (let i = 0; i < 20; i++) {
          const j = (round * 20 + i) % ownKeys;
          const k = ownedKey(index, threads, j);
          const value = numberValue(k, version++, KEY_SPACE);
          map.set(k, value); // no other thread writes or iterates now: must not throw
          state.set(k, value);
        }
        bump(words, TURN);
      }
    }
  }
  result.state = [...state];
  return result;
}
