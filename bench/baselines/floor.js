// Not a map: the floor of part 2. Each operation makes one call into Wasm, as every sharemap
// operation does, and that call makes one access to memory that belongs to the key alone:
//   get            one load of the key's word
//   set, delete,   one atomic add to the key's word: the one read-modify-write that any map
//   add            several threads may write needs for each write (a lock taken, or a CAS)
// Key k owns bytes [16k, 16k + 16) of a dense array: as much room as an 8-byte key and an 8-byte
// value take, with no hash, no probe, no collision, no lock released and no counter kept. So no
// map can touch less memory per operation, and none that several threads write can make fewer
// atomic writes: where the floor's ops/s are below what a target asks for, the target is out of
// reach on that machine whatever the map does; where they are far above it, the gap is the
// map's to close (bench/targets.js puts the floor beside every missed number-key target).
// Number keys only: a string key would first have to become an index, and how is a map's choice.
// Churn inserts keys from [len, 2*len), so the array has room for 2*len keys.

import { probeInstance, probeMemory } from '../probe-module.js';

const KEY_BYTES = 16;
const PAGE = 65536;

const pagesFor = (len) => Math.ceil((2 * len * KEY_BYTES) / PAGE);

/** The floor's shared memory for `workload`, every byte written so that no page faults in while timing. */
export function createFloorMemory({ len }) {
  return probeMemory(pagesFor(len), true);
}

/** A target of bench/workloads.js runOperations over `memory` (createFloorMemory's). */
export class FloorTarget {
  #x;

  constructor(memory) {
    this.#x = probeInstance(memory);
  }

  get(k) {
    return this.#x.load(k * KEY_BYTES);
  }

  set(k) {
    this.#x.add(k * KEY_BYTES);
    return this;
  }

  delete(k) {
    return this.#x.add(k * KEY_BYTES) !== 0;
  }

  add(k) {
    return this.#x.add(k * KEY_BYTES);
  }
}
