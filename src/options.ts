// What a user hands to create() and attach(): the option and handle types, their defaults and
// limits, and the checks that name the offending option. Nothing here touches the core.

import { KEY_KINDS, VALUE_KINDS, type KeyKind, type ValueKind } from './codec.js';
import { ConcurrentMapError, messages } from './errors.js';

/** What each kind is in JavaScript. */
export interface KindTypes {
  number: number;
  int32: number;
  string: string;
  bytes: Uint8Array;
  structured: unknown;
}

/**
 * How threads share the map (README, "Which strategy?"). 'concurrent' (the default): a lock per
 * bucket chain and lock-free readers. 'owned': one writer at a time and no per-bucket locks; a
 * second writer, a read during a write, or a write during another thread's iteration throws
 * ConcurrentMapMisuseError (Go's fail-fast map, made deterministic and catchable). 'rwlock': one
 * writer-preferring read/write lock for the whole map (Go's RWMutex + map). 'sharded': `shards`
 * independent tables picked by hash, a read/write lock each (Go's sharded maps). 'read-mostly':
 * lock-free reads of a snapshot, new keys in a locked dirty table promoted after enough misses
 * (Go's sync.Map).
 */
export type Strategy = 'concurrent' | 'owned' | 'rwlock' | 'sharded' | 'read-mostly';
/** In the order of assembly/layout.ts STRATEGY_*: the index is the code in the map header. */
export const STRATEGIES: readonly Strategy[] = ['concurrent', 'owned', 'rwlock', 'sharded', 'read-mostly'];

export interface CreateOptions<KK extends KeyKind = KeyKind, VK extends ValueKind = ValueKind> {
  key: KK;
  value: VK;
  /** Entries to make room for up front (default 0): sizes the first table, avoiding growths. */
  initialCapacity?: number;
  /** The most memory the map may use, in bytes (default 1 GiB, at most 4 GiB). */
  maxMemory?: number;
  /** A compiled core to use instead of the packaged one (custom hosting, or the debug build). */
  module?: WebAssembly.Module;
  /**
   * CAS attempts on a contended bucket lock before the thread sleeps (default 1024); strategies
   * 'rwlock' and 'sharded' wait for the other side of their read/write lock an eighth as long.
   */
  lockSpins?: number;
  /** How threads share the map (default 'concurrent'); see Strategy. */
  strategy?: Strategy;
  /**
   * strategy 'owned': attempts to take the owner word before a write throws CONCURRENT_WRITES
   * (default 3, 1 to 1000). More attempts let a write wait out a hand-off that is nearly done.
   */
  ownerAttempts?: number;
  /** strategy 'sharded': how many tables, each with its own lock (default 32, 1 to 256). */
  shards?: number;
}

/** A plain, structured-cloneable object: post it to a worker and attach there. */
export interface MapHandle {
  readonly kind: 'sharemap';
  readonly layoutVersion: number;
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly key: KeyKind;
  readonly value: ValueKind;
  readonly maxMemory: number;
}

export interface MapStats {
  /** Entries (approximate while other threads write). */
  size: number;
  /** log2 of the bucket count. */
  B: number;
  buckets: number;
  overflowBuckets: number;
  /** A growth is in progress, with evacuatedBuckets of oldBuckets done. */
  growing: boolean;
  oldBuckets: number;
  evacuatedBuckets: number;
  /** Bytes of the memory (reserved), and bytes handed out by its allocator (used). */
  memoryReserved: number;
  memoryUsed: number;
  /** Failed CAS attempts on bucket locks, and times a thread slept on one. */
  lockSpins: number;
  lockWaits: number;
  /** Threads attached now. */
  threads: number;
}


export const PAGE_BYTES = 65536;
const DEFAULT_MAX_MEMORY = 1 << 30;
const MAX_MEMORY_LIMIT = 4 * 2 ** 30;
/** The module declares a minimum of 2 pages: the header region and the start of the heap. */
export const MIN_MEMORY = 2 * PAGE_BYTES;
// CAS attempts before sleeping. A contended critical section pulls each line it stores to across
// cores, so it outlasts a short spin, and a futex sleep costs microseconds. Measured: `add` on
// 1,000 shared keys, 2 worker threads, this 2-core machine, M ops/s summed (3 runs):
//   spins 64: 13-16 (18,503 sleeps)   256: 29-30 (671)   1024: 28-30 (383)   4096: 29-30 (175)
// (1 thread: 17-26). `npm run bench` shows it in the `counter` workload at 2 threads.
const DEFAULT_LOCK_SPINS = 1024;
/** asconfig.json's load factor (assembly/layout.ts LOAD_FACTOR_*): entries per bucket. */
const LOAD_FACTOR = 6.5;
/**
 * assembly/layout.ts MAX_B: the largest table fits the allocator's 2 GiB block limit. Maps with
 * blob keys have larger buckets, and the core clamps their first table to MAX_B_BLOB_KEYS (22).
 */
const MAX_INITIAL_B = 23;

const DEFAULT_OWNER_ATTEMPTS = 3;
// As Go's widely used orcaman/concurrent-map: enough that 2-16 threads rarely meet on one shard.
const DEFAULT_SHARDS = 32;
/** assembly/layout.ts MAX_SHARDS: the shard roots fit below --memoryBase. */
const MAX_SHARDS = 256;
const MAX_OWNER_ATTEMPTS = 1000;

export interface Settings {
  maxMemory: number; initialB: number; lockSpins: number; strategy: Strategy; ownerAttempts: number;
  /** 0 unless the strategy is 'sharded'. */
  shards: number;
}

export function checkOptions(options: CreateOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object such as { key: "string", value: "number" }');
  }
  if (!(KEY_KINDS as readonly unknown[]).includes(options.key)) {
    throw new TypeError(`options.key must be one of ${KEY_KINDS.map((k) => `'${k}'`).join(', ')}, got ${String(options.key)}`);
  }
  if (!(VALUE_KINDS as readonly unknown[]).includes(options.value)) {
    throw new TypeError(`options.value must be one of ${VALUE_KINDS.map((k) => `'${k}'`).join(', ')}, got ${String(options.value)}`);
  }
  const maxMemory = options.maxMemory ?? DEFAULT_MAX_MEMORY;
  if (!Number.isInteger(maxMemory) || maxMemory < 4 * MIN_MEMORY || maxMemory > MAX_MEMORY_LIMIT) {
    throw new RangeError(`options.maxMemory must be a whole number of bytes from ${4 * MIN_MEMORY} to ${MAX_MEMORY_LIMIT} (4 GiB), got ${String(options.maxMemory)}`);
  }
  const capacity = options.initialCapacity ?? 0;
  if (!Number.isInteger(capacity) || capacity < 0) {
    throw new RangeError(`options.initialCapacity must be a whole number >= 0, got ${String(options.initialCapacity)}`);
  }
  const lockSpins = options.lockSpins ?? DEFAULT_LOCK_SPINS;
  if (!Number.isInteger(lockSpins) || lockSpins < 0 || lockSpins > 1e6) {
    throw new RangeError(`options.lockSpins must be a whole number from 0 to 1000000, got ${String(options.lockSpins)}`);
  }
  const strategy = options.strategy ?? 'concurrent';
  if (!STRATEGIES.includes(strategy)) {
    const known = STRATEGIES.map((k) => `'${k}'`).join(', ');
    throw new TypeError(`options.strategy must be one of ${known}, got ${String(options.strategy)}`);
  }
  const ownerAttempts = options.ownerAttempts ?? DEFAULT_OWNER_ATTEMPTS;
  if (options.ownerAttempts !== undefined && strategy !== 'owned') {
    throw new TypeError(`options.ownerAttempts applies only to strategy 'owned', this map's strategy is '${strategy}'`);
  }
  if (!Number.isInteger(ownerAttempts) || ownerAttempts < 1 || ownerAttempts > MAX_OWNER_ATTEMPTS) {
    throw new RangeError(`options.ownerAttempts must be a whole number from 1 to ${MAX_OWNER_ATTEMPTS}, got ${String(options.ownerAttempts)}`);
  }
  if (options.shards !== undefined && strategy !== 'sharded') {
    throw new TypeError(`options.shards applies only to strategy 'sharded', this map's strategy is '${strategy}'`);
  }
  const shards = strategy === 'sharded' ? options.shards ?? DEFAULT_SHARDS : 0;
  if (strategy === 'sharded' && (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS)) {
    throw new RangeError(`options.shards must be a whole number from 1 to ${MAX_SHARDS}, got ${String(options.shards)}`);
  }
  // Each shard's first table holds its share of the capacity.
  const perTable = shards > 0 ? capacity / shards : capacity;
  const tableB = perTable <= LOAD_FACTOR ? 0 : Math.min(MAX_INITIAL_B, Math.ceil(Math.log2(perTable / LOAD_FACTOR)));
  // maxMemory is rounded down to whole 64 KiB pages, as WebAssembly.Memory counts them.
  return {
    maxMemory: Math.floor(maxMemory / PAGE_BYTES) * PAGE_BYTES, initialB: tableB, lockSpins, strategy, ownerAttempts, shards,
  };
}

export function checkHandle(handle: MapHandle): void {
  const h = handle as Partial<MapHandle> | null;
  if (typeof h !== 'object' || h === null || h.kind !== 'sharemap' ||
      !(h.module instanceof WebAssembly.Module) || !(h.memory instanceof WebAssembly.Memory) ||
      !(typeof SharedArrayBuffer === 'function' && h.memory.buffer instanceof SharedArrayBuffer) ||
      !(KEY_KINDS as readonly unknown[]).includes(h.key) || !(VALUE_KINDS as readonly unknown[]).includes(h.value)) {
    throw new ConcurrentMapError('FOREIGN_HANDLE', messages.foreignHandle());
  }
}

