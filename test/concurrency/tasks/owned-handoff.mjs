// Strategy 'owned' used as intended: ownership passes between threads. In round r, thread
// r % threads is the owner: it writes (set, delete, add) its own keys and iterates, while the
// others wait at the barrier; then the next thread takes over. Everything any thread does must
// succeed (no misuse is reported when there is none), growth happens across hand-offs, and the
// map must end holding exactly what the owners' logs say.
import { barrier, ownedKey, numberValue } from './common.mjs';

const KEY_SPACE = 1 << 24;

export default function ownedHandoff(map, { index, threads, args }) {
  const { words, rounds, roundOps } = args;
  const state = new Map(); // key -> value this thread left, undefined if it deleted it
  let next = 0; // this thread's next fresh key index
  let version = 1;
  for (let round = 0; round < rounds; round++) {
    barrier(words, 0, threads);
    if (round % threads !== index) continue;
    for (let i = 0; i < roundOps; i++) {
      const r = (i * 13 + round) % 10;
      if (r < 6 || next === 0) {
        const key = ownedKey(index, threads, next++);
        const value = numberValue(key, version++, KEY_SPACE);
        map.set(key, value);
        state.set(key, value);
      } else if (r < 8) {
        const key = ownedKey(index, threads, (i * 31) % next);
        map.delete(key);
        state.set(key, undefined);
      } else {
        const key = ownedKey(index, threads, (i * 17) % next);
        if (state.get(key) === undefined) continue;
        state.set(key, map.add(key, KEY_SPACE));
      }
    }
    let seen = 0;
    for (const _ of map.keys()) seen++;
    if (seen !== map.size) throw new Error(`round ${round}: iteration saw ${seen} keys, size ${map.size}`);
  }
  barrier(words, 0, threads);
  return { state: [...state] };
}
