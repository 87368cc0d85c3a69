import { describe, expect, it } from 'vitest';
import { createFloorMemory, FloorTarget } from '../bench/baselines/floor.js';
import { runOperations, sequence } from '../bench/workloads.js';

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
