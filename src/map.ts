// ConcurrentMap: the Map-like API over the core, one instance per thread per map.
//
// Every operation is one call into the core, which does it atomically (assembly/README.md); this
// class validates arguments at the public edge, stages keys and values (src/staging.ts), and
// turns statuses into results or errors. Operations that run user code (getOrInsertComputed,
// update) call it outside any lock and then commit with one atomic compare-and-set, retrying
// when another thread got there first, as Java's ConcurrentHashMap.compute does not need to
// (it holds its bin lock around the callback; we never let user code run under a lock).

import { instantiate, type CoreExports } from './core.js';
import { readLayout, type Layout } from './layout.js';
import { host } from './host.js';
import { Staging, keyCodec, valueCodec, type KeyCodec, type ValueCodec, align8 } from './staging.js';
import { KEY_KINDS, VALUE_KINDS, type KeyKind, type ValueKind } from './codec.js';
import { ConcurrentMapError, ConcurrentMapMisuseError, messages, type MisuseCode } from './errors.js';
import {
  checkOptions, checkHandle, PAGE_BYTES, MIN_MEMORY, STRATEGIES,
  type CreateOptions, type MapHandle, type MapStats, type KindTypes, type Strategy,
} from './options.js';

export type { CreateOptions, MapHandle, MapStats, KindTypes, Strategy };

export type { KeyKind, ValueKind };

/** A value as the map stores it: the number itself, or the blob's length word and bytes. */
interface BlobStored { lenWord: number; bytes: Uint8Array }
type Stored = number | BlobStored;

const STATS_FIELDS: readonly (keyof MapStats)[] = [
  'size', 'B', 'buckets', 'overflowBuckets', 'growing', 'oldBuckets', 'evacuatedBuckets',
  'memoryReserved', 'memoryUsed', 'lockSpins', 'lockWaits', 'threads',
];

function attachError(code: number, layout: Layout, handle: MapHandle): ConcurrentMapError {
  if (code === layout.ATTACH_TOO_MANY_THREADS) {
    return new ConcurrentMapError('TOO_MANY_THREADS', messages.tooManyThreads(layout.MAX_THREADS));
  }
  if (code === layout.ATTACH_OUT_OF_MEMORY) {
    return new ConcurrentMapError('OUT_OF_MEMORY', messages.outOfMemory(handle.maxMemory));
  }
  return new ConcurrentMapError('FOREIGN_HANDLE', messages.foreignHandle());
}

// ConcurrentMap's #adds: which deltas add() takes.
const ADD_NONE = 0;
const ADD_NUMBER = 1;
const ADD_INT32 = 2;

/** The core of each map on this thread, for test helpers (src/testing.ts); not exported publicly. */
export const coreOf = new WeakMap<ConcurrentMap<any, any>, CoreExports>();

export class ConcurrentMap<K = unknown, V = unknown> {
  /** Creates a map in a new shared memory; this thread is attached to it. */
  static async create<KK extends KeyKind, VK extends ValueKind>(
    options: CreateOptions<KK, VK>,
  ): Promise<ConcurrentMap<KindTypes[KK], KindTypes[VK]>> {
    const settings = checkOptions(options);
    if (typeof SharedArrayBuffer !== 'function') {
      throw new ConcurrentMapError('NO_SHARED_MEMORY', messages.noSharedMemory());
    }
    const module = options.module ?? await host().loadModule('release');
    const memory = new WebAssembly.Memory({
      initial: MIN_MEMORY / PAGE_BYTES,
      maximum: settings.maxMemory / PAGE_BYTES,
      shared: true,
    });
    const handle: MapHandle = {
      kind: 'sharemap',
      layoutVersion: 0,
      module,
      memory,
      key: options.key,
      value: options.value,
      maxMemory: settings.maxMemory,
    };
    const map = new ConcurrentMap<KindTypes[KK], KindTypes[VK]>(handle, (x, layout) => {
      const seed = new Uint32Array(2);
      globalThis.crypto.getRandomValues(seed);
      return x.initMap(seed[0], seed[1], keyKindCode(layout, options.key), valueKindCode(layout, options.value),
        settings.initialB, settings.lockSpins, host().threadId(),
        KEY_KINDS.indexOf(options.key), VALUE_KINDS.indexOf(options.value),
        STRATEGIES.indexOf(settings.strategy), settings.ownerAttempts, settings.shards);
    });
    (handle as { layoutVersion: number }).layoutVersion = map.#layout.LAYOUT_VERSION;
    return map;
  }

  /** Attaches this thread to the map of `handle` (made by create on any thread). Synchronous. */
  static attach<K = unknown, V = unknown>(handle: MapHandle): ConcurrentMap<K, V> {
    checkHandle(handle);
    return new ConcurrentMap<K, V>(handle, (x, layout) => {
      const claimed = x.headerVersion();
      if (claimed === 0) throw new ConcurrentMapError('FOREIGN_HANDLE', messages.foreignHandle());
      if (claimed !== layout.LAYOUT_VERSION || handle.layoutVersion !== layout.LAYOUT_VERSION) {
        throw new ConcurrentMapError('INCOMPATIBLE_VERSION',
          messages.incompatibleVersion(handle.layoutVersion, layout.LAYOUT_VERSION));
      }
      return x.attach(host().threadId(), KEY_KINDS.indexOf(handle.key), VALUE_KINDS.indexOf(handle.value));
    });
  }

  readonly handle: MapHandle;
  /** How threads share this map: chosen at create, read from the map's header at attach. */
  readonly strategy: Strategy;
  #x: CoreExports;
  /** This thread's slot + 1 in the map: how misuse errors name it. */
  readonly #slot: number;
  /** Tables of a sharded map, iterated one after another; 0 for the other strategies. */
  readonly #shards: number;
  readonly #layout: Layout;
  readonly #staging: Staging;
  #keys: KeyCodec<K>;
  #values: ValueCodec<V>;
  readonly #FOUND: number;
  readonly #NOT_FOUND: number;
  /**
   * The deltas add() takes, fixed by the value kind: ADD_NONE (blob values), ADD_NUMBER or
   * ADD_INT32. A number, because `handle.value` reaches a worker by structured clone as a string
   * that is not V8's interned literal: comparing it with 'number' on each add cost a string
   * compare (Builtins_StringEqual, 3.7% of a one-thread counter run's samples).
   */
  readonly #adds: number;

  private constructor(handle: MapHandle, register: (x: CoreExports, layout: Layout) => number) {
    const core = instantiate(handle.module, handle.memory, host().canBlock());
    const layout = readLayout(handle.module, core.raw);
    const slot = register(core.exports, layout);
    if (slot < 0) throw attachError(slot, layout, handle);
    this.handle = handle;
    this.#slot = slot + 1;
    this.strategy = STRATEGIES[core.exports.headerStrategy()] ?? 'concurrent';
    this.#x = this.strategy === 'owned' ? ownedExports(core.exports)
      : this.strategy === 'rwlock' ? rwlockExports(core.exports)
        : this.strategy === 'sharded' ? shardedExports(core.exports)
          : this.strategy === 'read-mostly' ? readMostlyExports(core.exports)
            : leanExports(core.exports, handle.key, handle.value);
    this.#shards = core.exports.headerShards();
    this.#layout = layout;
    this.#staging = new Staging(core.exports, handle.memory, layout, handle.maxMemory, layout.STAGING_INITIAL_SIZE);
    this.#keys = keyCodec(handle.key) as KeyCodec<K>;
    this.#values = valueCodec(handle.value) as ValueCodec<V>;
    this.#FOUND = layout.FOUND;
    this.#NOT_FOUND = layout.NOT_FOUND;
    this.#adds = handle.value === 'number' ? ADD_NUMBER : handle.value === 'int32' ? ADD_INT32 : ADD_NONE;
    coreOf.set(this, core.exports);
  }

  /** The value of `key`, or undefined. */
  get(key: K): V | undefined {
    // Inline values come back from getValue as themselves (assembly/fast64.ts): one call and no
    // staging load on a hit. NaN means "read the status word in staging", and blob values always
    // take that path.
    const value = this.#x.getValue(this.#keys.stage(this.#staging, key));
    if (value === value) return value as V;
    return this.#getMore(key);
  }

  #getMore(key: K): V | undefined {
    for (;;) {
      const status = this.#staging.u32[this.#staging.statusIndex];
      if (status === this.#FOUND) return this.#values.inline ? NaN as V : this.#values.result(this.#staging);
      if (status === this.#NOT_FOUND) return undefined;
      this.#recover(status);
      const value = this.#x.getValue(this.#keys.stage(this.#staging, key));
      if (value === value) return value as V;
    }
  }

  has(key: K): boolean {
    for (;;) {
      const status = this.#x.has(this.#keys.stage(this.#staging, key));
      if (status === this.#FOUND) return true;
      if (status === this.#NOT_FOUND) return false;
      this.#recover(status);
    }
  }

  /** Sets `key` to `value` (insert or replace) and returns the map, as Map#set does. */
  set(key: K, value: V): this {
    for (;;) {
      const arg = this.#keys.stage(this.#staging, key);
      const valueArg = this.#stageValue(value, this.#staging.valueOffset);
      const status = this.#x.set(arg, this.#values.inline ? valueArg : 0, valueArg);
      if (status === this.#layout.OK || status === this.#layout.INSERTED) return this;
      this.#recover(status);
    }
  }

  /** Removes `key`; true if it was present. */
  delete(key: K): boolean {
    for (;;) {
      const status = this.#x.remove(this.#keys.stage(this.#staging, key));
      if (status === this.#layout.OK) return true;
      if (status === this.#NOT_FOUND) return false;
      this.#recover(status);
    }
  }

  /** Removes every entry: each bucket atomically, not the whole map at once (see README). */
  clear(): void {
    const status = this.#x.clear();
    if (status !== this.#layout.OK) this.#recover(status);
  }

  /** Entries: exact when no thread is writing, approximate while some are. */
  get size(): number {
    return this.#x.size();
  }

  /**
   * The value of `key`; if absent, inserts `value` first. Exactly one value wins a race between
   * threads, and every thread gets that one back.
   */
  getOrInsert(key: K, value: V): V {
    for (;;) {
      const arg = this.#keys.stage(this.#staging, key);
      const valueArg = this.#stageValue(value, this.#staging.valueOffset);
      const status = this.#x.getOrInsert(arg, this.#values.inline ? valueArg : 0, valueArg);
      if (status === this.#layout.INSERTED) return value;
      if (status === this.#FOUND) return this.#values.result(this.#staging);
      this.#recover(status);
    }
  }

  /**
   * The value of `key`; if absent, inserts `compute(key)`. The callback runs outside any lock and
   * may run in several threads at once for the same key; only one result is stored, and every
   * thread gets that one back.
   */
  getOrInsertComputed(key: K, compute: (key: K) => V): V {
    if (typeof compute !== 'function') throw new TypeError('compute must be a function');
    const present = this.get(key);
    if (present !== undefined) return present;
    return this.getOrInsert(key, compute(key));
  }

  /**
   * Replaces the value of `key` with `next` only if it currently equals `expected` (numbers by
   * SameValueZero, other values by their encoding). False if it did not, or the key is absent.
   */
  compareAndSet(key: K, expected: V, next: V): boolean {
    for (;;) {
      const status = this.#compareAndSet(key, expected, next, false);
      if (status === this.#layout.OK) return true;
      if (status === this.#layout.MISMATCH || status === this.#NOT_FOUND) return false;
      this.#recover(status);
    }
  }

  /**
   * Sets `key` to `fn(current, key)` atomically, where current is undefined for an absent key,
   * and returns the new value; returning undefined deletes the key. `fn` runs outside any lock
   * and runs again if another thread changed the key meanwhile, so it must have no side effects.
   */
  update(key: K, fn: (current: V | undefined, key: K) => V | undefined): V | undefined {
    if (typeof fn !== 'function') throw new TypeError('fn must be a function');
    const { OK, INSERTED, FOUND, MISMATCH } = this.#layout;
    for (;;) {
      // The stored encoding, not a re-encoding of the decoded value, is what must still be there:
      // some structured values do not re-encode to the same bytes (README, value kinds).
      const read = this.#readStored(key);
      const next = fn(read?.value, key);
      let status: number;
      if (read === undefined) {
        if (next === undefined) return undefined;
        status = this.#insertIfAbsent(key, next);
        if (status === INSERTED) return next;
        if (status === FOUND) continue;
      } else if (next === undefined) {
        status = this.#compareAndDelete(key, read.stored);
        if (status === OK) return undefined;
      } else {
        status = this.#compareAndSet(key, read.stored, next);
        if (status === OK) return next;
      }
      if (status === MISMATCH || status === this.#NOT_FOUND) continue;
      this.#recover(status);
    }
  }

  /**
   * Adds `delta` to the number at `key` atomically (an absent key counts as 0) and returns the
   * sum. int32 maps wrap as int32 arithmetic does.
   */
  add(key: K, delta: number): number {
    const adds = this.#adds;
    if (adds === ADD_NONE) {
      throw new TypeError(`add needs a map of number or int32 values (options.value), this one holds ${this.handle.value}`);
    }
    if (typeof delta !== 'number' || (adds === ADD_INT32 && (delta | 0) !== delta)) {
      throw new TypeError(messages.valueKind(adds === ADD_INT32 ? 'an int32' : 'a number', delta).replace('value', 'delta'));
    }
    for (;;) {
      const status = this.#x.add(this.#keys.stage(this.#staging, key), delta);
      if (status === this.#layout.OK || status === this.#layout.INSERTED) return this.#staging.resultNumber();
      this.#recover(status);
    }
  }

  /** A snapshot of the table, growth, memory and lock counters. */
  stats(): MapStats {
    this.#x.stats();
    const staging = this.#staging;
    const at = (staging.base + this.#layout.STAGE_DATA) / 8;
    const stats = {} as Record<keyof MapStats, number | boolean>;
    STATS_FIELDS.forEach((name, i) => { stats[name] = staging.f64[at + i]; });
    stats.growing = stats.growing === 1;
    return stats as unknown as MapStats;
  }

  /**
   * Entries, weakly consistent: never throws, never yields a key twice, yields every key present
   * from start to end; entries changed meanwhile may or may not be seen. Works across growths.
   */
  *entries(): IterableIterator<[K, V]> {
    // 'owned': register the iteration (O6), so other threads' writes throw until it ends (O7).
    // A loop that breaks early ends it too (return() runs the finally); an iterator dropped
    // unfinished blocks other threads' writes until this thread's close().
    const owned = this.strategy === 'owned';
    if (owned) {
      const status = this.#x.iterationBegin();
      if (status !== this.#layout.OK) this.#recover(status);
    }
    try {
      if (this.#shards === 0) yield* this.#batches(-1);
      else for (let shard = 0; shard < this.#shards; shard++) yield* this.#batches(shard);
    } finally {
      if (owned) this.#x.iterationEnd();
    }
  }

  /** The entries of one shard (`shard` >= 0) or of the map's one table (-1), batch by batch. */
  *#batches(shard: number): IterableIterator<[K, V]> {
    const { DONE, NEEDS_SPACE, STAGE_DATA, STAGE_CURSOR, STAGE_COUNT } = this.#layout;
    const width = shard < 0 ? this.#x.iterationWidth() : this.#x.iterationWidthShard(shard);
    let cursor = 0;
    for (;;) {
      const status = shard < 0 ? this.#x.iterate(cursor, width) : this.#x.iterateShard(shard, cursor, width);
      const staging = this.#staging;
      if (status === NEEDS_SPACE) {
        staging.reserve(staging.neededBytes());
        continue;
      }
      // Decode the whole batch first: the caller's code between yields may use the staging area.
      const count = staging.u32[(staging.base + STAGE_COUNT) / 4];
      cursor = staging.u32[(staging.base + STAGE_CURSOR) / 4];
      const batch: [K, V][] = new Array(count);
      let at = staging.base + STAGE_DATA;
      for (let i = 0; i < count; i++) {
        const keyLen = staging.u32[at / 4];
        const valueLen = staging.u32[at / 4 + 1];
        at += 8;
        const key = this.#keys.decode(staging, at, keyLen);
        at += this.#keys.entryBytes(keyLen);
        batch[i] = [key, this.#values.decode(staging, at, valueLen)];
        at += this.#values.entryBytes(valueLen);
      }
      yield* batch;
      if (status === DONE) return;
    }
  }

  *keys(): IterableIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(callback: (value: V, key: K, map: this) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }

  /** Detaches this thread. Calling close twice is harmless; any other use afterwards throws. */
  close(): void {
    if (this.#x === closedExports) return;
    this.#x.close();
    // The staging area was freed: from now on nothing may be staged, and every call throws.
    this.#x = closedExports;
    this.#keys = closedCodec as KeyCodec<K>;
    this.#values = closedCodec as ValueCodec<V>;
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────────────
  /** Stages a value; returns the f64 argument (inline) or the length word (blob). */
  #stageValue(value: V, offset: number): number {
    return this.#values.stage(this.#staging, value, offset);
  }

  /** The value of `key` and its stored form (a number, or a copy of the blob's bytes), or undefined. */
  #readStored(key: K): { value: V; stored: Stored } | undefined {
    for (;;) {
      const status = this.#x.get(this.#keys.stage(this.#staging, key));
      if (status === this.#NOT_FOUND) return undefined;
      if (status !== this.#FOUND) {
        this.#recover(status);
        continue;
      }
      const staging = this.#staging;
      const value = this.#values.result(staging);
      if (this.#values.inline) return { value, stored: staging.resultNumber() };
      const lenWord = staging.resultLenWord();
      const at = staging.resultAddress();
      const bytes = staging.u8.slice(at, at + (lenWord & this.#layout.LEN_BYTES_MASK));
      return { value, stored: { lenWord, bytes } };
    }
  }

  /** Stages `expected` at `offset`: a value to encode, or a stored form to copy as it is. */
  #stageExpected(expected: V | Stored, offset: number, isStored: boolean): number {
    if (!isStored) return this.#stageValue(expected as V, offset);
    if (typeof expected === 'number') return expected;
    const { lenWord, bytes } = expected as BlobStored;
    this.#staging.reserve(offset + bytes.length);
    this.#staging.u8.set(bytes, this.#staging.base + offset);
    return lenWord;
  }

  /** Stages key | next | expected and calls compareAndSet. */
  #compareAndSet(key: K, expected: V | Stored, next: V, isStored = true): number {
    const keyArg = this.#keys.stage(this.#staging, key);
    const offset = this.#staging.valueOffset;
    const nextArg = this.#stageValue(next, offset);
    const inline = this.#values.inline;
    const expectedOffset = inline ? offset : offset + align8(nextArg & this.#layout.LEN_BYTES_MASK);
    const expectedArg = this.#stageExpected(expected, expectedOffset, isStored);
    return inline
      ? this.#x.compareAndSet(keyArg, expectedArg, 0, nextArg, 0)
      : this.#x.compareAndSet(keyArg, 0, expectedArg, 0, nextArg);
  }

  #compareAndDelete(key: K, stored: Stored): number {
    const keyArg = this.#keys.stage(this.#staging, key);
    const expectedArg = this.#stageExpected(stored, this.#staging.valueOffset, true);
    return this.#x.compareAndDelete(keyArg, this.#values.inline ? expectedArg : 0, expectedArg);
  }

  #insertIfAbsent(key: K, value: V): number {
    const keyArg = this.#keys.stage(this.#staging, key);
    const valueArg = this.#stageValue(value, this.#staging.valueOffset);
    return this.#x.getOrInsert(keyArg, this.#values.inline ? valueArg : 0, valueArg);
  }

  /** The error for a misuse status; the core named the other thread in staging. */
  #misuse(code: MisuseCode): ConcurrentMapMisuseError {
    const staging = this.#staging;
    const at = staging.base / 4;
    const otherSlot = staging.u32[at + this.#layout.STAGE_OTHER_SLOT / 4];
    const otherJsId = staging.u32[at + this.#layout.STAGE_OTHER_JS_ID / 4];
    return new ConcurrentMapMisuseError(code,
      { slot: this.#slot, threadId: host().threadId() },
      { slot: otherSlot, threadId: otherSlot === 0 ? -1 : otherJsId });
  }

  /** Handles a status that is not an answer: grows staging (the caller retries) or throws. */
  #recover(status: number): void {
    const layout = this.#layout;
    switch (status) {
      case layout.NEEDS_SPACE:
        this.#staging.reserve(this.#staging.neededBytes());
        return;
      case layout.OUT_OF_MEMORY:
        throw new ConcurrentMapError('OUT_OF_MEMORY', messages.outOfMemory(this.handle.maxMemory));
      case layout.KEY_TOO_LARGE:
        throw new RangeError(messages.keyTooLarge(layout.MAX_KEY_BYTES + 1, layout.MAX_KEY_BYTES));
      case layout.VALUE_TOO_LARGE:
        throw new RangeError(messages.valueTooLarge(layout.MAX_VALUE_BYTES + 1, layout.MAX_VALUE_BYTES));
      case layout.CONCURRENT_WRITES:
        throw this.#misuse('CONCURRENT_WRITES');
      case layout.READ_DURING_WRITE:
        throw this.#misuse('READ_DURING_WRITE');
      case layout.WRITE_DURING_ITERATION:
        throw this.#misuse('WRITE_DURING_ITERATION');
      default:
        throw new Error(`sharemap core returned an unknown status ${status} (a bug; please report it)`);
    }
  }
}

// After close(), every core call throws CLOSED, at no cost to the open map's calls.
const closedExports = new Proxy({} as CoreExports, {
  get(_target, name) {
    if (name === 'close') return () => {};
    return () => { throw new ConcurrentMapError('CLOSED', messages.closed()); };
  },
});

/** Stands in for both codecs after close(): staging anything would write into freed memory. */
const closedCodec = new Proxy({}, {
  get(_target, name) {
    if (name === 'inline') return true;
    return () => { throw new ConcurrentMapError('CLOSED', messages.closed()); };
  },
});

/**
 * The exports a map of strategy 'concurrent' calls: with number or int32 keys and inline values,
 * reads take the lean path of assembly/fast64.ts (`getValueNumber`, `hasNumber` and their int32
 * twins: a `get` on 1M entries in 0.86-0.92x the time); every other map calls the core's own exports.
 */
function leanExports(x: CoreExports, key: KeyKind, value: ValueKind): CoreExports {
  if ((key !== 'number' && key !== 'int32') || (value !== 'number' && value !== 'int32')) return x;
  return key === 'number'
    ? { ...x, getValue: x.getValueNumber, has: x.hasNumber }
    : { ...x, getValue: x.getValueInt32, has: x.hasInt32 };
}

/**
 * The exports a map of strategy 'owned' calls: the same signatures, each operation between the
 * owner-word checks of assembly/owner.ts. Chosen once per map, so no call pays a branch for it.
 */
function ownedExports(x: CoreExports): CoreExports {
  return {
    ...x,
    get: x.getOwned,
    getValue: x.getValueOwned,
    has: x.hasOwned,
    set: x.setOwned,
    getOrInsert: x.getOrInsertOwned,
    remove: x.removeOwned,
    compareAndSet: x.compareAndSetOwned,
    compareAndDelete: x.compareAndDeleteOwned,
    add: x.addOwned,
    clear: x.clearOwned,
  };
}

/** The exports a map of strategy 'rwlock' calls: each operation under the map's read/write lock. */
function rwlockExports(x: CoreExports): CoreExports {
  return {
    ...x,
    get: x.getLocked,
    getValue: x.getValueLocked,
    has: x.hasLocked,
    iterate: x.iterateLocked,
    set: x.setLocked,
    getOrInsert: x.getOrInsertLocked,
    remove: x.removeLocked,
    compareAndSet: x.compareAndSetLocked,
    compareAndDelete: x.compareAndDeleteLocked,
    add: x.addLocked,
    clear: x.clearLocked,
  };
}

/** The exports a map of strategy 'sharded' calls: each operation in its key's shard, under its lock. */
function shardedExports(x: CoreExports): CoreExports {
  return {
    ...x,
    get: x.getSharded,
    getValue: x.getValueSharded,
    has: x.hasSharded,
    set: x.setSharded,
    getOrInsert: x.getOrInsertSharded,
    remove: x.removeSharded,
    compareAndSet: x.compareAndSetSharded,
    compareAndDelete: x.compareAndDeleteSharded,
    add: x.addSharded,
    clear: x.clearSharded,
  };
}

/**
 * The exports a map of strategy 'read-mostly' calls: reads of the snapshot lock-free, the rest
 * under the map's dirty lock; iteration promotes the dirty table first (assembly/readmostly.ts).
 */
function readMostlyExports(x: CoreExports): CoreExports {
  return {
    ...x,
    get: x.getReadMostly,
    getValue: x.getValueReadMostly,
    has: x.hasReadMostly,
    set: x.setReadMostly,
    getOrInsert: x.getOrInsertReadMostly,
    remove: x.removeReadMostly,
    compareAndSet: x.compareAndSetReadMostly,
    compareAndDelete: x.compareAndDeleteReadMostly,
    add: x.addReadMostly,
    clear: x.clearReadMostly,
    iterationWidth: x.iterationWidthReadMostly,
    iterate: x.iterateReadMostly,
  };
}

function keyKindCode(layout: Layout, kind: KeyKind): number {
  return kind === 'number' ? layout.KEY_NUMBER : kind === 'int32' ? layout.KEY_INT32 : layout.KEY_BLOB;
}

function valueKindCode(layout: Layout, kind: ValueKind): number {
  return kind === 'number' ? layout.VALUE_NUMBER : kind === 'int32' ? layout.VALUE_INT32 : layout.VALUE_BLOB;
}
