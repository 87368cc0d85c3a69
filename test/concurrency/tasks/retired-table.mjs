// A reader of a table that is retired, and whose memory is reused, while the reader is between
// a key's word and its value word: what R6's re-read of `tablesGen` is for (assembly/README.md
// R1, R2, R6). The head's version cannot catch it when the reused bytes hold the same version
// word the reader read, and memory that is reused may hold any bytes at all.
//
// Thread 0 reads `key` once, held `stall` spins between its key word and its value word by the
// debug core's readStall (assembly/hooks.ts). Thread 1 waits until thread 0 is inside that read,
// then starts a same-size growth (debug forceGrowth) and finishes it with overwrites of another
// key, so the table thread 0 is reading is retired and `tablesGen` moves; then it plays the
// allocator handing that memory to someone else: it writes the retired head bucket back as it
// was before the growth (`saved`, the bytes at `head` up to its overflow link, which the test
// copied before the workers started), but with another key's value (`foreign`, at `valueAt`).
//
// Words: 0 reader inside its read, 1 reuse written, 2 never set (the writer's short wait),
// 3 reader done. Returns the value read (thread 0), or what the writer saw (thread 1).
import { coreExports } from 'sharemap/testing';
import { signal } from './common.mjs';

/** assembly/layout.ts: MAP_HEADER (1024) + HDR_ROOT (64) + 8, the tables generation. */
const TABLES_GEN = 1096;

export default function retiredTable(map, { index, args }) {
  const { words, key, other, stall, head, saved, valueAt, foreign } = args;
  if (index === 0) {
    coreExports(map).setReadStall(stall);
    signal(words, 0, 1);
    const value = map.get(key);
    coreExports(map).setReadStall(0);
    signal(words, 3, 1);
    return { value };
  }
  Atomics.wait(words, 0, 0);
  Atomics.wait(words, 2, 0, 20); // thread 0 is matching, then spinning in its stall
  const u32 = () => new Uint32Array(map.handle.memory.buffer); // after any growth of the memory
  const genBefore = u32()[TABLES_GEN / 4];
  const started = coreExports(map).forceGrowth(true) === 1;
  for (let i = 0; i < 16 && map.stats().growing; i++) map.set(other, i); // growWork evacuates
  const growing = map.stats().growing;
  const genAfter = u32()[TABLES_GEN / 4];
  // The reuse: the retired head bucket as it was (up to its overflow link: the reclaimer's record
  // sits in the padding after it), with another key's value in the key's slot.
  new Uint8Array(map.handle.memory.buffer).set(saved, head);
  new Float64Array(map.handle.memory.buffer)[valueAt / 8] = foreign;
  const readerStillInside = Atomics.load(words, 3) === 0;
  signal(words, 1, 1);
  return { started, growing, genMoved: genAfter !== genBefore, readerStillInside };
}
