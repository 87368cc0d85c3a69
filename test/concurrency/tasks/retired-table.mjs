// A reader of a table that is retired, and whose memory is reused, while the reader is between
// a key's word and its value word: what R6's re-read of `tablesGen` is for (assembly/README.md
// R1, R2, R6). The head's version cannot catch it when the reused bytes hold the same version
// word the reader read, and memory that is reused may hold any bytes at all.
//
// Thread 0 reads `key` once, held `stall` spins between its key word and its value word by the
// debug core's readStall (assembly/hooks.ts). Thread 1 waits until thread 0 is inside that read,
// then starts a same-size growth (debug forceGrowth) and finishes it with overwrites of another
// key, so the table thread 0 is reading is retired and `tablesGen` moves; then it plays the
// allocator handing that memory to someone else: it writes the retired head bucket's header and
// the key's slot back as they were before the growth, but with another key's value (`foreign`).
// The words (`saved`, at `head` and `slot`) come from the test, read before the workers start.
//
// Words: 0 reader inside its read, 1 reuse written, 2 never set (the writer's short wait),
// 3 reader done. Returns the value read (thread 0), or what the writer saw (thread 1).
import { coreExports } from 'sharemap/testing';
import { signal } from './common.mjs';

/** assembly/layout.ts: MAP_HEADER (1024) + HDR_ROOT (64) + 8, the tables generation. */
const TABLES_GEN = 1096;

export default function retiredTable(map, { index, args }) {
  const { words, key, other, stall, head, slot, saved, foreign } = args;
  if (index === 0) {
    coreExports(map).setReadStall(stall);
    signal(words, 0, 1);
    const value = map.get(key);
    coreExports(map).setReadStall(0);
    signal(words, 3, 1);
    return { value };
  }
  Atomics.wait(words, 0, 0);
  Atomics.wait(words, 2, 0, 50); // thread 0 is matching, then spinning in its stall
  const u32 = () => new Uint32Array(map.handle.memory.buffer); // after any growth of the memory
  const genBefore = u32()[TABLES_GEN / 4];
  const started = coreExports(map).forceGrowth(true) === 1;
  for (let i = 0; i < 16 && map.stats().growing; i++) map.set(other, i); // growWork evacuates
  const growing = map.stats().growing;
  const genAfter = u32()[TABLES_GEN / 4];
  // The reuse: the retired head's tophash word and version, and the key's slot, as they were.
  const words32 = u32();
  words32[head / 4] = saved.tophashLow;
  words32[head / 4 + 1] = saved.tophashHigh;
  words32[head / 4 + 3] = saved.version;
  const at = head + 16 + 16 * slot;
  words32[at / 4] = saved.keyLow;
  words32[at / 4 + 1] = saved.keyHigh;
  new Float64Array(map.handle.memory.buffer)[(at + 8) / 8] = foreign;
  const readerStillInside = Atomics.load(words, 3) === 0;
  signal(words, 1, 1);
  return { started, growing, genMoved: genAfter !== genBefore, readerStillInside };
}
