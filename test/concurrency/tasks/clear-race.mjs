// Test 8, clear racing with inserts. Range A, keys [0, aCount), is filled by the main thread
// before the run and never inserted again; range B, keys from aCount up, is inserted by the
// inserters (threads 1..), each in its own slice. Thread 0 calls clear() once.
//
// mode 'racy': inserters start inserting at once; thread 0 waits until they have made
//   `beforeClear` inserts each (words[STARTED]), then clears while they keep inserting (so
//   growths they start race with the clear), and stores CLEARED; inserters keep going for
//   `afterClear` more inserts each once they see it. Unforced beyond that ordering.
// mode 'mid-growth' (forced): the inserters insert until the table has started a growth
//   (stats().growing), then stop and count themselves STARTED; thread 0 clears only when all
//   have stopped, i.e. with a growth half done (old and new table both live, nobody evacuating);
//   after CLEARED the inserters resume and finish the growth.
//
// Inserters return the keys they inserted after seeing CLEARED (those must survive) and the
// total they inserted; thread 0 returns whether a growth was in progress when it cleared.
import { bump, waitAtLeast, keyString, stringValue } from './common.mjs';

const STARTED = 0;
const CLEARED = 1;
export const WORDS = 2;

export const valueOf = (kind, key) => (kind === 'number' ? key * 3 + 1 : stringValue(key, 0, 16 + (key % 64)));

export default function clearRace(map, { index, threads, args }) {
  const { kind, mode, aCount, perInserter, beforeClear, afterClear, words } = args;
  const mk = (key) => (kind === 'number' ? key : keyString(key));
  const inserters = threads - 1;
  if (index === 0) {
    waitAtLeast(words, STARTED, inserters);
    const before = map.stats();
    map.clear();
    Atomics.store(words, CLEARED, 1);
    Atomics.notify(words, CLEARED);
    return { growingAtClear: before.growing, sizeAtClear: before.size };
  }
  const base = aCount + (index - 1) * perInserter;
  let inserted = 0;
  const afterCleared = [];
  const insert = (afterClearSeen) => {
    const key = base + inserted++;
    map.set(mk(key), valueOf(kind, key));
    if (afterClearSeen) afterCleared.push(key);
  };
  if (mode === 'mid-growth') {
    while (!map.stats().growing && inserted < perInserter) insert(false);
    bump(words, STARTED);
    waitAtLeast(words, CLEARED, 1);
    for (let i = 0; i < afterClear && inserted < perInserter; i++) insert(true);
  } else {
    let counted = false;
    let after = 0;
    while (inserted < perInserter && after < afterClear) {
      const cleared = Atomics.load(words, CLEARED) === 1;
      insert(cleared);
      if (cleared) after++;
      if (!counted && inserted >= beforeClear) {
        bump(words, STARTED);
        counted = true;
      }
    }
    if (!counted) bump(words, STARTED);
  }
  return { inserted, afterCleared };
}
