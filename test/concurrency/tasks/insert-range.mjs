// Test 1, disjoint inserts: thread `index` inserts keys [index * perThread, (index + 1) *
// perThread) while the others insert theirs, into a map that starts with one bucket, so the
// table grows many times during the race. After each insert it reads back one of its earlier
// keys, chosen by a seeded PRNG: a key lost or damaged by a growth shows up during the race,
// not only in the end state. Returns the counts of such failures and the first few.
import { mulberry32, threadSeed, randInt, keyString, stringValue } from './common.mjs';

export const numberValueOf = (key) => key * 2 + 1;
export const stringValueOf = (key) => stringValue(key, 0, 16 + (key % 48));

export default function insertRange(map, { index, args }) {
  const { kind, perThread, seed } = args;
  const rand = mulberry32(threadSeed(seed, index));
  const first = index * perThread;
  const failures = { missing: 0, wrong: 0, examples: [] };
  const note = (what, key, got) => {
    if (failures.examples.length < 5) failures.examples.push({ what, key, got });
  };
  for (let i = 0; i < perThread; i++) {
    const key = first + i;
    if (kind === 'number') map.set(key, numberValueOf(key));
    else map.set(keyString(key), stringValueOf(key));
    const back = first + randInt(rand, i + 1);
    const got = kind === 'number' ? map.get(back) : map.get(keyString(back));
    const expected = kind === 'number' ? numberValueOf(back) : stringValueOf(back);
    if (got === undefined) {
      failures.missing++;
      note('missing', back, got);
    } else if (got !== expected) {
      failures.wrong++;
      note('wrong', back, got);
    }
  }
  return failures;
}
