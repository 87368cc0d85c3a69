// Instantiating the core over a map's memory, and the typed interface of its exports.
//
// Exports are called directly on the instance (no @assemblyscript/loader: it wraps every export
// and doubles the cost of a call, 7.1 ns against 3.1 ns measured on our machines; see README,
// "Why no loader"). Nothing on the boundary is an i64, which would cost a BigInt per call.

/** The core's exports, as assembly/index.ts declares them. Keys travel as f64 (map.ts explains). */
export interface CoreExports {
  initMap(seedLow: number, seedHigh: number, keyKind: number, valueKind: number,
    initialB: number, lockSpins: number, jsThreadId: number, keyCodec: number, valueCodec: number,
    strategy: number, ownerAttempts: number, shards: number): number;
  attach(jsThreadId: number, keyCodec: number, valueCodec: number): number;
  close(): void;
  headerVersion(): number;
  headerStrategy(): number;
  headerShards(): number;
  reserveStaging(bytes: number): number;
  staging(): number;
  get(key: number): number;
  /** The value itself if inline (assembly/fast64.ts); NaN when the staged status must say more. */
  getValue(key: number): number;
  has(key: number): number;
  // getValue and has for maps of strategy 'concurrent' with number or int32 keys and inline values:
  // the head bucket's common case with the fewest loads, the rest handed to getValue and has.
  getValueNumber(key: number): number;
  getValueInt32(key: number): number;
  hasNumber(key: number): number;
  hasInt32(key: number): number;
  set(key: number, value: number, valueLen: number): number;
  getOrInsert(key: number, value: number, valueLen: number): number;
  remove(key: number): number;
  compareAndSet(key: number, expected: number, expectedLen: number, next: number, nextLen: number): number;
  compareAndDelete(key: number, expected: number, expectedLen: number): number;
  add(key: number, delta: number): number;
  clear(): number;
  size(): number;
  stats(): void;
  iterationWidth(): number;
  iterate(cursor: number, width: number): number;
  // Strategy 'owned' (assembly/owner.ts): the same signatures, between owner-word checks.
  getOwned(key: number): number;
  getValueOwned(key: number): number;
  hasOwned(key: number): number;
  setOwned(key: number, value: number, valueLen: number): number;
  getOrInsertOwned(key: number, value: number, valueLen: number): number;
  removeOwned(key: number): number;
  compareAndSetOwned(key: number, expected: number, expectedLen: number, next: number, nextLen: number): number;
  compareAndDeleteOwned(key: number, expected: number, expectedLen: number): number;
  addOwned(key: number, delta: number): number;
  clearOwned(): number;
  iterationBegin(): number;
  iterationEnd(): void;
  // Strategy 'rwlock' (assembly/rwlock.ts): the same signatures, under the map's read/write lock.
  getLocked(key: number): number;
  getValueLocked(key: number): number;
  hasLocked(key: number): number;
  iterateLocked(cursor: number, width: number): number;
  setLocked(key: number, value: number, valueLen: number): number;
  getOrInsertLocked(key: number, value: number, valueLen: number): number;
  removeLocked(key: number): number;
  compareAndSetLocked(key: number, expected: number, expectedLen: number, next: number, nextLen: number): number;
  compareAndDeleteLocked(key: number, expected: number, expectedLen: number): number;
  addLocked(key: number, delta: number): number;
  clearLocked(): number;
  // Strategy 'sharded' (assembly/shards.ts): the key's shard under its lock; iteration per shard.
  getSharded(key: number): number;
  getValueSharded(key: number): number;
  hasSharded(key: number): number;
  setSharded(key: number, value: number, valueLen: number): number;
  getOrInsertSharded(key: number, value: number, valueLen: number): number;
  removeSharded(key: number): number;
  compareAndSetSharded(key: number, expected: number, expectedLen: number, next: number, nextLen: number): number;
  compareAndDeleteSharded(key: number, expected: number, expectedLen: number): number;
  addSharded(key: number, delta: number): number;
  clearSharded(): number;
  iterationWidthShard(shard: number): number;
  iterateShard(shard: number, cursor: number, width: number): number;
  // Strategy 'read-mostly' (assembly/readmostly.ts): lock-free reads of the snapshot, the rest locked.
  getReadMostly(key: number): number;
  getValueReadMostly(key: number): number;
  hasReadMostly(key: number): number;
  setReadMostly(key: number, value: number, valueLen: number): number;
  getOrInsertReadMostly(key: number, value: number, valueLen: number): number;
  removeReadMostly(key: number): number;
  compareAndSetReadMostly(key: number, expected: number, expectedLen: number, next: number, nextLen: number): number;
  compareAndDeleteReadMostly(key: number, expected: number, expectedLen: number): number;
  addReadMostly(key: number, delta: number): number;
  clearReadMostly(): number;
  iterationWidthReadMostly(): number;
  iterateReadMostly(cursor: number, width: number): number;
  /** 0: reads that took the lock, 1: promotions, 2: misses since the last one, 3: dirty entries. */
  readMostlyCounter(which: number): number;
}

/** Test-only exports of the debug build (assembly/index.debug.ts). */
export interface DebugExports extends CoreExports {
  checkInvariants(): number;
  classOfSize(bytes: number): number;
  sizeOfClass(sizeClass: number): number;
  forceGrowth(sameSize: boolean): number;
  debugSwapShardTables(a: number, b: number): void;
  setReadStall(spins: number): void;
  setMissStall(spins: number): void;
  setWriteStall(spins: number): void;
  setPublishStall(spins: number): void;
  setLinkStall(spins: number): void;
}

export interface CoreInstance {
  exports: CoreExports;
  /** The raw exports object, for reading the exported layout constants (src/layout.ts). */
  raw: WebAssembly.Exports;
}

/**
 * Instantiates `module` over `memory` for the calling thread. `canBlock` is false on a thread
 * that may not wait (the browser main thread): there a contended lock spins instead of sleeping.
 */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory, canBlock: boolean): CoreInstance {
  let words = new Int32Array(memory.buffer);
  const waitLock = canBlock
    ? (address: number, expected: number): void => {
        // The lock word may be in memory grown since the view was made.
        if ((address >> 2) >= words.length) words = new Int32Array(memory.buffer);
        // Node 20's in-Wasm wait is miscompiled (TOOLCHAIN.md); the JS one is correct.
        Atomics.wait(words, address >> 2, expected);
      }
    : (): void => {}; // return at once: the core's loop re-reads the word, i.e. it spins
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      waitLock,
      abort(message: number, file: number, line: number, column: number): never {
        throw new Error(`sharemap core: broken invariant at ${line}:${column} (a bug; please report it)`);
      },
    },
  });
  return { exports: instance.exports as unknown as CoreExports, raw: instance.exports };
}
