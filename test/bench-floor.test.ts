import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createFloorMemory, FloorTarget } from '../bench/baselines/floor.js';
import { runOperations, sequence } from '../bench/workloads.js';
import { bucketFloor, tableB, EPOCH_AT, PIN_AT } from '../bench/bucket-floor.js';
import { stringBucketFloor, STAGE_AT, MAX_KEY_BYTES } from '../bench/bucket-floor-string.js';

// bench/baselines/floor.js: the floor of part 2 must touch each key's own word and no other,
// or its ops/s would not be those of one access per operation.
describe('bench/baselines/floor.js', () => {
  it('makes one atomic add to the key\'s own word per write, and a get loads it', () => {
    const workload = { len: 1000 };
    const memory = createFloorMemory(workload);
    const target = new FloorTarget(memory);
    const words = new Int32Array(memory.buffer);
    const before = target.get(7);
    target.set(7);
    target.add(7);
    expect(target.delete(7)).toBe(true);
    expect(target.get(7)).toBe(before + 3);
    expect(words[(7 * 16) / 4]).toBe(before + 3);
    // Its neighbours in the array are untouched.
    expect(target.get(6)).toBe(before);
    expect(target.get(8)).toBe(before);
  });

  it('runs a churn sequence, whose keys reach 2 x len, on words that every thread sees', () => {
    const workload = { op: 'churn', key: 'number', dist: 'zipf', len: 1000 };
    const memory = createFloorMemory(workload);
    const words = new Int32Array(memory.buffer);
    const total = () => words.reduce((sum, w) => sum + w, 0);
    const start = total();
    const { ops, keys } = sequence(workload, 1 << 10, 1);
    runOperations(new FloorTarget(memory), ops, keys, false, 0, keys.length);
    // A second instance over the same memory, as a second worker has.
    runOperations(new FloorTarget(memory), ops, keys, false, 0, keys.length);
    expect(Math.max(...keys)).toBeGreaterThanOrEqual(workload.len);
    expect(total() - start).toBe(2 * keys.length); // every operation of churn is a write
  });
});

// bench/bucket-floor.js: part 4's floor of a lookup in sharemap's buckets must find each key
// through its bucket's tophash word and its slot, as a lookup in the map does, or its ns per
// call would not be that lookup's.
describe('bench/bucket-floor.js', () => {
  it('sizes the table as sharemap does: the least B with len <= 6.5 x 2^B', () => {
    expect(tableB(1_000_000)).toBe(18);
    expect(tableB(851_968)).toBe(17);
    expect(tableB(851_969)).toBe(18);
  });

  it('finds every placed key\'s value through its tophash byte and its slot, and nothing else', () => {
    const { exports, memory, placed, b } = bucketFloor(10_000);
    expect(b).toBe(11);
    expect(placed.length).toBeGreaterThan(9_500);
    for (const key of placed) expect(exports.lookup(key)).toBe(key + 1);
    // Keys left out, and keys never inserted, are not found.
    const left = new Set(placed);
    const out = Array.from({ length: 10_000 }, (_, k) => k).filter((k) => !left.has(k));
    for (const key of [...out, 10_000, 123_456]) expect(exports.lookup(key)).toBe(-1);
    // A key in its bucket's third slot: its value comes from that slot's value word, and
    // without its tophash byte it is not found (a word with no match sends the lookup to slot 0).
    const bytes = new Uint8Array(memory.buffer);
    const words = new Uint32Array(memory.buffer);
    const slotOf = (key: number, bucket: number) => [0, 1, 2, 3, 4, 5, 6, 7].find((s) => words[(bucket + 16 + s * 16) / 4] === key);
    const key = placed.find((k) => slotOf(k, exports.bucket(k)) === 2)!;
    const bucket = exports.bucket(key);
    words[(bucket + 24 + 2 * 16) / 4] = 77;
    expect(exports.lookup(key)).toBe(77);
    bytes[bucket + 2] ^= 0x01;
    expect(exports.lookup(key)).toBe(-1);
  });

  it('writes a placed key\'s own value word with one add, and nothing for a key it does not find', () => {
    // Keys after the first len take the slots after theirs, as a churn's inserts do in the map.
    const later = [10_000, 10_001, 10_002, 5];
    const { exports, memory, placed } = bucketFloor(10_000, later);
    const found = new Set(placed);
    expect(later.slice(0, 3).filter((k) => found.has(k)).length).toBeGreaterThan(0);
    expect(placed.filter((k) => k === 5).length).toBe(1); // placed once: its tophash is in its bucket already
    const before = new Uint32Array(memory.buffer).slice();
    const written = placed.filter((k) => k % 7 === 0 || k >= 10_000);
    for (const key of written) expect(exports.write(key)).toBe(key + 1); // the value before
    for (const key of written) expect(exports.lookup(key)).toBe(key + 2);
    // A key left out, or never inserted, finds no slot: the write changes no word.
    const missing = [...Array.from({ length: 10_000 }, (_, k) => k).filter((k) => !found.has(k)), 10_003, 123_456];
    const words = new Uint32Array(memory.buffer);
    const afterWrites = words.slice();
    for (const key of missing) expect(exports.write(key)).toBe(-1);
    expect(words.every((w, i) => w === afterWrites[i])).toBe(true);
    // Only the written keys' value words changed, each by one.
    const changed = [];
    for (let i = 0; i < words.length; i++) if (words[i] !== before[i]) changed.push(i);
    expect(changed.length).toBe(written.length);
    for (const i of changed) expect(words[i] - before[i]).toBe(1);
  });

  it('makes the same write between a pin and an unpin of its own epoch word', () => {
    const { exports, memory, placed } = bucketFloor(10_000);
    const words = new Uint32Array(memory.buffer);
    words[EPOCH_AT / 4] = 6; // a global epoch: the pin stores it with its low bit set
    const before = words.slice();
    const key = placed[123];
    expect(exports.pinnedWrite(key)).toBe(key + 1);
    expect(exports.pinnedWrite(key)).toBe(key + 2);
    expect(exports.pinnedWrite(123_456)).toBe(-1); // never inserted: no slot, no write
    // Only the key's value word changed, by the two writes; the pin word is back to 0, unpinned.
    const changed = [];
    for (let i = 0; i < words.length; i++) if (words[i] !== before[i]) changed.push(i);
    expect(changed.length).toBe(1);
    expect(words[changed[0]] - before[changed[0]]).toBe(2);
    expect(exports.lookup(key)).toBe(key + 3);
    expect(words[PIN_AT / 4]).toBe(0);
  });

  it('holds the pin, the global epoch | 1, while it writes: another thread sees it', async () => {
    const { exports, memory, placed } = bucketFloor(10_000);
    const words = new Int32Array(memory.buffer);
    words[EPOCH_AT / 4] = 6;
    // The watcher loads the pin word until it reads the pinned value, then says what it read.
    const watcher = new Worker(`
      const { parentPort, workerData } = require('node:worker_threads');
      const words = new Int32Array(workerData.memory.buffer);
      const at = workerData.at;
      let seen = 0;
      for (let i = 0; i < 5e8 && seen === 0; i++) seen = Atomics.load(words, at);
      parentPort.postMessage(seen);`, { eval: true, workerData: { memory, at: PIN_AT / 4 } });
    try {
      const seen = new Promise((resolve) => watcher.once('message', resolve));
      let answered = false;
      void seen.then(() => { answered = true; });
      // Write until the watcher answers (a few ms), yielding so that its message can arrive.
      for (let round = 0; round < 2_000 && !answered; round++) {
        for (const key of placed.subarray(0, 1_000)) exports.pinnedWrite(key);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(await seen).toBe(7);
    } finally {
      await watcher.terminate();
    }
  });
});

// bench/bucket-floor-string.js: part 4's floor of a lookup of a fresh string key must find each key
// through the bytes staged for it, its bucket's tophash word and its slot's key words, as a
// string-key lookup in the map does, or its ns per call would not be that lookup's.
describe('bench/bucket-floor-string.js', () => {
  it("finds every placed key by its staged bytes, of 5 to 10 bytes, and no other key", () => {
    const { exports, memory, placed, b, stage } = stringBucketFloor(20_000);
    expect(b).toBe(12);
    expect(placed.length).toBeGreaterThan(19_000);
    expect(placed.some((i) => i < 10)).toBe(true); // 'key:0': 5 bytes, one word
    expect(placed.some((i) => i >= 10_000)).toBe(true); // 'key:10000': 9 bytes, two words
    for (const i of placed) expect(exports.lookup(stage('key:' + i))).toBe(i + 1);
    // Keys left out, never inserted, or differing in a byte or the length are not found.
    const left = new Set(placed);
    const out = Array.from({ length: 20_000 }, (_, i) => i).filter((i) => !left.has(i)).map((i) => 'key:' + i);
    for (const key of [...out, 'key:20000', 'key:123456', 'kez:1', 'key:1 ', 'key:100000000']) {
      expect(exports.lookup(stage(key)), key).toBe(-1);
    }
    // The slot's key bytes are compared: change one, and its key is not found; the staged bytes
    // past the key's length are not (a longer key staged before leaves them behind).
    const bytes = new Uint8Array(memory.buffer);
    const i = placed.find((k) => k >= 10_000)!;
    exports.lookup(stage('key:' + i));
    stage('key:123456789');
    const n = stage('key:' + i);
    expect(bytes[STAGE_AT + n]).not.toBe(0);
    expect(exports.lookup(n)).toBe(i + 1);
    const slot = [...Array(8).keys()].map((s) => exports.bucket(n) + 32 + s * 32).find((at) => bytes[at + 16 + 4] === ('key:' + i).charCodeAt(4) &&
      new Uint32Array(memory.buffer)[(at + 8) / 4] === i + 1)!;
    bytes[slot + 16 + n - 1] ^= 0x01; // the last byte, in the second word
    expect(exports.lookup(stage('key:' + i))).toBe(-1);
    bytes[slot + 16 + n - 1] ^= 0x01;
    expect(exports.lookup(stage('key:' + i))).toBe(i + 1);
    expect(() => stage('x'.repeat(MAX_KEY_BYTES + 1))).toThrow(RangeError);
  });
});
