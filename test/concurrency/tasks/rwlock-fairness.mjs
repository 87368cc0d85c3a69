// Strategy 'rwlock', no starvation either way (test/concurrency/rwlock.test.ts). Thread 0 does
// `ops` operations of one kind while every other thread does the other kind in a loop until
// thread 0 is done (words[DONE]). 'writer': thread 0 writes, the others read, so a lock that let
// new readers in ahead of a waiting writer would starve thread 0 (the readers overlap one
// another all the time). 'reader': thread 0 reads while the others write, so a lock whose
// writers always went before waiting readers would starve thread 0. Either way the run ends only
// if thread 0 makes progress; it returns how many operations each thread did.
import { barrier, signal, numberValue, numberValueKey } from './common.mjs';

const KEY_SPACE = 1 << 20;
const KEYS = 1000;
export const DONE = 2;
export const WORDS = 3;

export default function rwlockFairness(map, { index, threads, args }) {
  const { mode, ops, words } = args;
  const writes = (mode === 'writer') === (index === 0);
  let done = 0;
  let wrong = 0;
  let version = 1;
  const one = (i) => {
    const key = (i * 7 + index) % KEYS;
    if (writes) {
      // Each writer adds KEY_SPACE to its keys' values, so value % KEY_SPACE stays the key.
      map.add(key, KEY_SPACE);
    } else {
      const value = map.get(key);
      if (value !== undefined && numberValueKey(value, KEY_SPACE) !== key) wrong++;
    }
    done++;
  };
  barrier(words, 0, threads);
  if (index === 0) {
    for (let i = 0; i < ops; i++) one(i);
    signal(words, DONE, 1);
  } else {
    for (let i = 0; Atomics.load(words, DONE) === 0; i++) one(i);
  }
  return { index, writes, done, wrong, version };
}
