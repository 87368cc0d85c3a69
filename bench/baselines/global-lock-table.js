// Baseline: the hash table a careful JS developer would write over a SharedArrayBuffer without
// a library. One global lock guards everything (every get too), open addressing with linear
// probing, deletion by backward shift (no tombstones, so churn cannot clog the table), number
// keys only (non-negative int32s; strings would need a byte arena and are not implemented), values
// as float64. Loaded by the main thread (create, fill) and by bench/tasks/throughput.mjs.
//
// Layout of the buffer (byte offsets):
//   0   lock word (int32): 0 free, 1 held, 2 held with possible sleepers
//   4   size (int32)
//   8   capacity (int32, a power of two)
//   16  keys: int32[capacity], EMPTY where free
//   16 + 4 * capacity  values: float64[capacity] (8-aligned: capacity >= 2)
//
// The lock is Drepper's three-state futex mutex ("Futexes are tricky", mutex 3): spin on
// compareExchange(0 -> 1) up to LOCK_SPINS times, then exchange to 2 and Atomics.wait while it
// reads 2; unlock subtracts 1 and, if the word was 2, stores 0 and notifies one sleeper. Atomics
// are sequentially consistent, so the plain typed-array accesses inside the critical section are
// ordered by the lock's acquire and release.

const LOCK = 0;
const SIZE = 1;
const CAPACITY = 2;
const HEADER_BYTES = 16;
const EMPTY = -1;
/** Same order as sharemap's default lockSpins (1024). */
const LOCK_SPINS = 1024;

/** A buffer with room for `entries` at load factor <= 1/2. */
export function createGlobalLockBuffer(entries) {
  let capacity = 2;
  while (capacity < 2 * entries) capacity *= 2;
  const buffer = new SharedArrayBuffer(HEADER_BYTES + capacity * (4 + 8));
  const header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
  header[CAPACITY] = capacity;
  new Int32Array(buffer, HEADER_BYTES, capacity).fill(EMPTY);
  return buffer;
}

export class GlobalLockTable {
  #header;
  #keys;
  #values;
  #mask;
  #shift;

  constructor(buffer) {
    this.#header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    const capacity = this.#header[CAPACITY];
    this.#keys = new Int32Array(buffer, HEADER_BYTES, capacity);
    this.#values = new Float64Array(buffer, HEADER_BYTES + 4 * capacity, capacity);
    this.#mask = capacity - 1;
    this.#shift = 32 - Math.log2(capacity);
  }

  get buffer() {
    return this.#header.buffer;
  }

  get size() {
    return Atomics.load(this.#header, SIZE);
  }

  /** The sum of all values, for consistency checks; call only while no other thread writes. */
  sumValues() {
    let sum = 0;
    for (let i = 0; i < this.#keys.length; i++) if (this.#keys[i] !== EMPTY) sum += this.#values[i];
    return sum;
  }

  get(key) {
    this.#lock();
    const slot = this.#find(key);
    const value = slot < 0 ? undefined : this.#values[slot];
    this.#unlock();
    return value;
  }

  set(key, value) {
    this.#lock();
    try {
      const slot = this.#findOrInsert(key);
      this.#values[slot] = value;
    } finally {
      this.#unlock();
    }
    return this;
  }

  /** The new value; an absent key starts at 0. */
  add(key, delta) {
    this.#lock();
    try {
      const slot = this.#findOrInsert(key);
      return (this.#values[slot] += delta);
    } finally {
      this.#unlock();
    }
  }

  delete(key) {
    this.#lock();
    const slot = this.#find(key);
    if (slot >= 0) this.#erase(slot);
    this.#unlock();
    return slot >= 0;
  }

  #home(key) {
    return Math.imul(key, 0x9e3779b1) >>> this.#shift;
  }

  /** The key's slot, or -1. */
  #find(key) {
    const keys = this.#keys;
    for (let i = this.#home(key); ; i = (i + 1) & this.#mask) {
      const k = keys[i];
      if (k === key) return i;
      if (k === EMPTY) return -1;
    }
  }

  /** The key's slot, inserting it with value 0 if absent. */
  #findOrInsert(key) {
    const keys = this.#keys;
    for (let i = this.#home(key); ; i = (i + 1) & this.#mask) {
      const k = keys[i];
      if (k === key) return i;
      if (k === EMPTY) {
        if (2 * (this.#header[SIZE] + 1) > keys.length) throw new Error('global-lock table full');
        keys[i] = key;
        this.#values[i] = 0;
        this.#header[SIZE]++;
        return i;
      }
    }
  }

  /** Backward-shift deletion: moves later entries of the cluster into the hole when allowed. */
  #erase(slot) {
    const keys = this.#keys;
    const values = this.#values;
    const mask = this.#mask;
    let hole = slot;
    for (let i = (slot + 1) & mask; keys[i] !== EMPTY; i = (i + 1) & mask) {
      const home = this.#home(keys[i]);
      // Move i into the hole unless its home lies cyclically in (hole, i].
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        keys[hole] = keys[i];
        values[hole] = values[i];
        hole = i;
      }
    }
    keys[hole] = EMPTY;
    this.#header[SIZE]--;
  }

  #lock() {
    const h = this.#header;
    for (let i = 0; i < LOCK_SPINS; i++) {
      if (Atomics.compareExchange(h, LOCK, 0, 1) === 0) return;
    }
    while (Atomics.exchange(h, LOCK, 2) !== 0) Atomics.wait(h, LOCK, 2);
  }

  #unlock() {
    const h = this.#header;
    if (Atomics.sub(h, LOCK, 1) !== 1) {
      Atomics.store(h, LOCK, 0);
      Atomics.notify(h, LOCK, 1);
    }
  }
}
