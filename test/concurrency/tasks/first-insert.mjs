// Every thread writes the same fresh keys in the same order, so that threads meet on keys that
// are missing: the race of two inserts of one key (W3 in assembly/README.md: the chain lock,
// taken before the search and held through the insert).
//
// mode 'add': add(key, 1) on each key, so that the map ends with every key at `threads`;
// mode 'set': set(key, index + 1), so that the map ends with every key once, holding one
// thread's value. A writer that inserted without holding the lock it searched under would put
// a key in twice, or lose another thread's add.
//
// The debug core's writeStall (assembly/hooks.ts) holds a writer between its search and its
// write for `stall` spins, so that the other threads reach the same key meanwhile. Keys are
// numbers or short strings (common.mjs bucketKey's form: 'key:' and the index).
import { coreExports } from 'sharemap/testing';

export default function firstInsert(map, { index, args }) {
  const { keys, mode, keyKind, stall } = args;
  coreExports(map).setWriteStall(stall);
  let writes = 0;
  for (let k = 0; k < keys; k++) {
    const key = keyKind === 'string' ? 'key:' + k : k;
    if (mode === 'add') map.add(key, 1);
    else map.set(key, index + 1);
    writes++;
  }
  coreExports(map).setWriteStall(0);
  return { writes };
}
