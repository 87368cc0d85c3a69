// The shared-memory layout: every offset, size, flag and mask of sharemap, with diagrams.
//
// This is the only file that writes a byte offset as a number. Every other file reaches memory
// through the accessors below, so a change of layout is a change of this file alone.
// The protocol that says who writes which word, and in what order, is in assembly/README.md
// (steps W1…, R1…, G1…, E1…); the accessors here only name the words.
//
// The memory of one map (each map has its own WebAssembly.Memory):
//
//   0        1024          MAP_HEADER_END            65536 (--memoryBase)    heapStart
//   ├─ null ─┼── map header ──┼── thread slots ──┼───┼── static data ──┼──── heap (alloc.ts) ──▶
//   never used                                       written by each      tables, overflow buckets,
//                                                    instantiation        blobs, staging areas
//
// The header lives below --memoryBase because instantiating the module (once per thread) rewrites
// its data segments; bytes below --memoryBase are never touched by instantiation.

// ── Map header ─────────────────────────────────────────────────────────────────────────────────
// ╒═══════════ identity: line 0, written once by initMap, read by everyone ═══════════╕
// │ off size field        meaning                                                    │
// │   0   4  magic        MAP_MAGIC once the header is ready                         │
// │   4   4  layoutVer    LAYOUT_VERSION: attach refuses any other                   │
// │   8   8  seed         hash0: the per-map random hash key                         │
// │  16   4  keyKind      KEY_NUMBER, KEY_INT32 or KEY_BLOB                          │
// │  20   4  valueKind    VALUE_NUMBER, VALUE_INT32 or VALUE_BLOB                    │
// │  24   4  lockSpins    CAS attempts before a writer waits (tests use 0)           │
// │  28   4  heapStart    first byte the allocator hands out                         │
// │  32   4  keyCodec     the facade's key kind (its index in src/codec.ts KEY_KINDS)│
// │  36   4  valueCodec   the facade's value kind (index in VALUE_KINDS); attach     │
// │                       refuses a handle whose kinds differ                        │
// │  40   4  strategy     STRATEGY_*: how threads share the map (README, Strategies) │
// │  44   4  ownerAttempts  owned: owner-word CAS attempts before CONCURRENT_WRITES  │
// │                       (O1); the facade's default is 3                            │
// │  48   4  shards       sharded: how many roots at SHARD_ROOTS; else 0 (root.ts)   │
// ╞═══════════ tables: line 1, root 0 (root.ts), written when a growth starts or ends ═╡
// │  64   4  table        the current table (where new keys go)                      │
// │  68   4  oldTable     the table being evacuated, or 0                            │
// │  72   4  tablesGen    +1 each time a table is retired (lock-free readers check)  │
// │  76   4  growLock     lock word: one thread at a time starts a growth            │
// ╞═══════════ owner: line 2, strategy 'owned' only (owner.ts) ═══════════════════════╡
// │ 128   4  owner        OWNER_* bits: writer's thread slot + 1, HELD, write seq    │
// │ 132   4  iterators    iterations registered by all threads (O6)                  │
// │ 136   4  rwState      strategy 'rwlock' (rwlock.ts): RW_* bits, see below        │
// │ 140   4  rwWriter     strategy 'rwlock': lock word, one writer at a time (L1)    │
// │ 144   4  rmLock       strategy 'read-mostly' (readmostly.ts): the dirty lock (M2)│
// │ 148   4  rmDirty      read-mostly: entries in the dirty root; 0 = not amended    │
// │ 152   4  rmMisses     read-mostly: lookups that fell back to dirty (M3, under    │
// │                       rmLock); promotion resets it (M7)                          │
// │ 156   4  rmLockedReads  read-mostly: every read that took rmLock (tests, stats)  │
// │ 160   4  rmPromotions read-mostly: promotions done (M7)                          │
// │ 164   4  rmRetryAt    read-mostly: after a promotion ran out of memory, the misses │
// │                       the next attempt waits for (M6 back-off); 0 = none         │
// │ 168   4  rmFailed     read-mostly: promotions that ran out of memory (tests)     │
// ╞═══════════ epoch: line 3 ═════════════════════════════════════════════════════════╡
// │ 192   4  epoch        global epoch, steps of EPOCH_STEP                          │
// │ 196   4  threadHigh   1 + highest thread slot ever registered                    │
// │ 200   4  orphanLock   lock word for the orphan retire bins                       │
// │ 208  24  orphanBins   RETIRE_BINS × (head, epoch): retired by closed threads     │
// ╞═══════════ allocator: lines 4.., written under their locks ════════════════════════╡
// │ 256   4  heapLock     lock word for heapTop and memory.grow                      │
// │ 260   4  heapTop      first never-allocated byte                                 │
// │ 320 8×N  classes      per size class: (lock word, free-list head)                │
// ╘══════════════════════════════════════════════════════════════════════════════════╛
@inline export const MAP_HEADER: usize = 1024;

@inline export const HDR_MAGIC: usize = 0;
@inline export const HDR_LAYOUT_VERSION: usize = HDR_MAGIC + sizeof<u32>();
@inline export const HDR_SEED: usize = HDR_LAYOUT_VERSION + sizeof<u32>();
@inline export const HDR_KEY_KIND: usize = HDR_SEED + sizeof<u64>();
@inline export const HDR_VALUE_KIND: usize = HDR_KEY_KIND + sizeof<u32>();
@inline export const HDR_LOCK_SPINS: usize = HDR_VALUE_KIND + sizeof<u32>();
@inline export const HDR_HEAP_START: usize = HDR_LOCK_SPINS + sizeof<u32>();
@inline export const HDR_KEY_CODEC: usize = HDR_HEAP_START + sizeof<u32>();
@inline export const HDR_VALUE_CODEC: usize = HDR_KEY_CODEC + sizeof<u32>();
@inline export const HDR_STRATEGY: usize = HDR_VALUE_CODEC + sizeof<u32>();
@inline export const HDR_OWNER_ATTEMPTS: usize = HDR_STRATEGY + sizeof<u32>();
@inline export const HDR_SHARDS: usize = HDR_OWNER_ATTEMPTS + sizeof<u32>();

@inline export const CACHE_LINE: usize = 64;
// ── Roots (root.ts) ────────────────────────────────────────────────────────────────────────────
// A root is where one table and its growth live. Every map has root 0, header line 1; a sharded
// map has `shards` roots at SHARD_ROOTS instead, one cache line each, and a key's root is chosen
// by its hash. `tablesGen` is the map's, not a root's: any retirement makes every reader retry.
// ╒═══════════ root (64 bytes) ═══════════════════════════════════════════════════════╕
// │   0   4  table        the current table (where new keys go)                      │
// │   4   4  oldTable     the table being evacuated, or 0                            │
// │   8   4  (root 0: the map's tablesGen; shard roots: unused)                      │
// │  12   4  growLock     lock word: one thread at a time starts a growth            │
// │  16   4  rwState      shard roots: the shard's read/write lock (rwlock.ts)       │
// │  20   4  rwWriter     shard roots: its writers' lock word                        │
// ╘══════════════════════════════════════════════════════════════════════════════════╛
@inline export const ROOT_TABLE: usize = 0;
@inline export const ROOT_OLD_TABLE: usize = ROOT_TABLE + sizeof<u32>();
@inline export const ROOT_GROW_LOCK: usize = ROOT_OLD_TABLE + 2 * sizeof<u32>();
@inline export const ROOT_RW_STATE: usize = ROOT_GROW_LOCK + sizeof<u32>();
@inline export const ROOT_SIZE: usize = CACHE_LINE;
@inline export const HDR_ROOT: usize = CACHE_LINE;
@inline export const HDR_TABLE: usize = HDR_ROOT + ROOT_TABLE;
@inline export const HDR_OLD_TABLE: usize = HDR_ROOT + ROOT_OLD_TABLE;
@inline export const HDR_TABLES_GEN: usize = HDR_OLD_TABLE + sizeof<u32>();
@inline export const HDR_GROW_LOCK: usize = HDR_ROOT + ROOT_GROW_LOCK;
// Its own line: every write of an owned map stores `owner` twice, and every read loads it.
@inline export const HDR_OWNER: usize = 2 * CACHE_LINE;
@inline export const HDR_ITERATORS: usize = HDR_OWNER + sizeof<u32>();
@inline export const HDR_RW_STATE: usize = HDR_ITERATORS + sizeof<u32>();
@inline export const HDR_RW_WRITER: usize = HDR_RW_STATE + sizeof<u32>();
@inline export const HDR_RM_LOCK: usize = HDR_RW_WRITER + sizeof<u32>();
@inline export const HDR_RM_DIRTY: usize = HDR_RM_LOCK + sizeof<u32>();
@inline export const HDR_RM_MISSES: usize = HDR_RM_DIRTY + sizeof<u32>();
@inline export const HDR_RM_LOCKED_READS: usize = HDR_RM_MISSES + sizeof<u32>();
@inline export const HDR_RM_PROMOTIONS: usize = HDR_RM_LOCKED_READS + sizeof<u32>();
@inline export const HDR_RM_RETRY_AT: usize = HDR_RM_PROMOTIONS + sizeof<u32>();
@inline export const HDR_RM_FAILED: usize = HDR_RM_RETRY_AT + sizeof<u32>();


@inline export const HDR_EPOCH: usize = 3 * CACHE_LINE;
@inline export const HDR_THREAD_HIGH: usize = HDR_EPOCH + sizeof<u32>();
@inline export const HDR_ORPHAN_LOCK: usize = HDR_THREAD_HIGH + sizeof<u32>();
@inline export const HDR_ORPHAN_BINS: usize = HDR_ORPHAN_LOCK + 2 * sizeof<u32>();

@inline export const HDR_HEAP_LOCK: usize = 4 * CACHE_LINE;
@inline export const HDR_HEAP_TOP: usize = HDR_HEAP_LOCK + sizeof<u32>();
@inline export const HDR_CLASSES: usize = 5 * CACHE_LINE;

/** "SHMP": written last by initMap, so a header with this magic is complete. */
@inline export const MAP_MAGIC: u32 = 0x504d4853;
/** Bumped whenever any layout in this file changes; handles carry it. */
@inline export const LAYOUT_VERSION: u32 = 9;

// Key kinds: number and int32 keys are their canonical 64 bits in the slot; blob keys (strings,
// bytes) are (pointer, length word).
@inline export const KEY_NUMBER: u32 = 0;
@inline export const KEY_INT32: u32 = 1;
@inline export const KEY_BLOB: u32 = 2;
// Value kinds: numbers and int32 are f64 bits in the slot; blobs are (pointer, length word).
@inline export const VALUE_NUMBER: u32 = 0;
@inline export const VALUE_INT32: u32 = 1;
@inline export const VALUE_BLOB: u32 = 2;

// Strategies: how threads share one map (assembly/README.md, "Strategies"). The facade's names
// are in src/options.ts STRATEGIES, in this order.
@inline export const STRATEGY_CONCURRENT: u32 = 0; // per-chain locks, optimistic readers
@inline export const STRATEGY_OWNED: u32 = 1;      // one writer at a time, misuse detected (owner.ts)
@inline export const STRATEGY_RWLOCK: u32 = 2;     // one read/write lock for the map (rwlock.ts)
@inline export const STRATEGY_SHARDED: u32 = 3;    // N roots, a read/write lock each (shards.ts)
@inline export const STRATEGY_READ_MOSTLY: u32 = 4; // read snapshot + locked dirty root (readmostly.ts)

// Strategy 'read-mostly': a deleted entry of the read snapshot keeps its slot and key, and its
// value word becomes DELETED (sync.Map's nil; M5). No value can have these bits: as a blob word it
// is pointer 0 with a non-zero length (copyBlob gives empty blobs pointer 0 and length 0); as an
// f64 it is a signalling NaN, which Wasm arithmetic never yields and readmostly.ts canonicalises
// away from the values it is given.
@inline export const VALUE_DELETED: u64 = 0x7ff4000000000000;

// Strategy 'concurrent' with inline values, whose overwrites take no lock (fast64.ts, C1–C7 in
// assembly/README.md): a deleted entry's value word becomes TOMBSTONE with the global epoch of
// the delete in its low 32 bits. Where the key word is inline or holds a short key's bytes, the
// tombstone is SOFT (bit 32 set) and the tophash stays: the slot is still the key's, and an
// insert of the key CASes the value back without the lock (C7). Under the chain lock a soft
// tombstone is hardened (value TOMBSTONE with the epoch of the hardening, then tophash DELETED)
// before another key may have its slot; a blob-pointer key's delete leaves a hard one at once.
// An evacuated entry's value word becomes MOVED before it is copied (evacuate.ts). All are
// signalling NaNs, like VALUE_DELETED, and no stored value is one: map.ts inlineValueWord makes
// every NaN the canonical quiet one. isReservedValue tells them (and 0x7ff7…) apart with one compare.
@inline export const VALUE_TOMBSTONE: u64 = 0x7ff5000000000000;
@inline export const TOMBSTONE_SOFT: u64 = 0x0000000100000000;
@inline export const VALUE_MOVED: u64 = 0x7ff6000000000000;
@inline export function isReservedValue(word: u64): bool { return (word >> 50) == (0x7ff4 >> 2); }
@inline export function tombstoneEpoch(word: u64): u32 { return <u32>word; }
@inline export function isTombstoneValue(word: u64): bool { return (word >> 48) == (VALUE_TOMBSTONE >> 48); }
@inline export function isSoftTombstone(word: u64): bool { return (word >> 32) == ((VALUE_TOMBSTONE | TOMBSTONE_SOFT) >> 32); }

// ── The read/write lock word (rwlock.ts, strategy 'rwlock') ───────────────────────────────────
// ╒════════════ rwState (32 bits) ════════════════════════════════════════════╕
// │ bits 0-7   active readers (at most MAX_THREADS: one operation per thread) │
// │ bits 8-15  readers waiting for the current writer to finish (L3)          │
// │ bit  16    WRITER: a writer holds the lock or is waiting for readers (L2) │
// │ bits 17-31 phase: +1 at each writer release, which admits the waiters (L5)│
// ╘═══════════════════════════════════════════════════════════════════════════╛
@inline export const RW_READER: u32 = 1;
@inline export const RW_READERS_MASK: u32 = 0xff;
@inline export const RW_WAITING_SHIFT: u32 = 8;
@inline export const RW_WAITER: u32 = 1 << RW_WAITING_SHIFT;
@inline export const RW_WAITING_MASK: u32 = 0xff << RW_WAITING_SHIFT;
@inline export const RW_WRITER: u32 = 1 << 16;
@inline export const RW_PHASE: u32 = 1 << 17;

// ── The owner word (owner.ts, strategy 'owned') ────────────────────────────────────────────────
// ╒════════════ owner word (32 bits) ═════════════════════════════════════════╕
// │ bits 0-7   thread slot + 1 of the writer holding it, or of the last one   │
// │ bit  8     HELD: a write is in progress                                   │
// │ bits 9-31  write sequence: +1 at each release after a change (O4)         │
// ╘═══════════════════════════════════════════════════════════════════════════╛
// A reader compares the whole word before and after (O5): equal means no write overlapped it.
// The sequence wraps after 2^23 writes; a read would need to span that many to miss one.
@inline export const OWNER_ID_MASK: u32 = 0xff;
@inline export const OWNER_HELD: u32 = 0x100;
@inline export const OWNER_SEQ_STEP: u32 = 0x200;

// ── Size classes (alloc.ts) ────────────────────────────────────────────────────────────────────
// Every class size is a multiple of 8 so that u64 words in buckets stay naturally aligned (Wasm
// atomics trap on misaligned addresses). 16, 24, 32, then four classes per doubling: 40, 48, 56,
// 64, 80, 96, 112, 128, … up to 2^31. Waste is at most 25% above 32 bytes.
@inline export const CLASS_MIN_SIZE: u32 = 16;
@inline export const CLASS_STEPS_BITS: u32 = 2; // four classes per doubling
@inline export const CLASS_COUNT: u32 = 3 + (31 - 5) * (1 << CLASS_STEPS_BITS);
@inline export const CLASS_ENTRY_SIZE: usize = 2 * sizeof<u32>();
@inline export const CLASS_LOCK: usize = 0;
@inline export const CLASS_FREE_HEAD: usize = sizeof<u32>();
@inline export const MAX_ALLOC_BYTES: u32 = 1 << 31;

// ── Thread slots ───────────────────────────────────────────────────────────────────────────────
// One per attached thread, two cache lines each so that one thread's counters never share a line
// with another's. Only the owning thread writes its slot, except `state` (CAS at register) and
// `epoch`, which collectors read.
// ╒═════════════════════ Thread slot (128 bytes) ═════════════════════╕
// │ off size field        written by            read by               │
// │   0   4  state        register/unregister   register (CAS)        │
// │   4   4  jsThreadId   register              stats, diagnostics    │
// │   8   4  epoch        owner, atomic (E1/E4) collectors, atomic    │
// │  12   4  count        owner, atomic         size(), atomic        │
// │  16   4  lockSpins    owner, atomic         stats(), atomic       │
// │  20   4  lockWaits    owner, atomic         stats(), atomic       │
// │  24   4  bytesInUse   owner, atomic (wraps) stats(), atomic       │
// │  28   4  retireCount  owner                 owner                 │
// │  32   4  staging      owner                 owner                 │
// │  36   4  stagingSize  owner                 owner                 │
// │  40  24  retireBins   owner: RETIRE_BINS × (head, epoch)          │
// │  64   4  iterating    owner: its registered iterations (owned; O6)│
// ╘════════════════════════════════════════════════════════════════════╛
@inline export const MAX_THREADS: u32 = 64;
@inline export const THREAD_SLOTS: usize = 4096;
@inline export const THREAD_SLOT_SIZE: usize = 2 * CACHE_LINE;
@inline export const TS_STATE: usize = 0;
@inline export const TS_JS_THREAD_ID: usize = TS_STATE + sizeof<u32>();
@inline export const TS_EPOCH: usize = TS_JS_THREAD_ID + sizeof<u32>();
@inline export const TS_COUNT: usize = TS_EPOCH + sizeof<u32>();
@inline export const TS_LOCK_SPINS: usize = TS_COUNT + sizeof<u32>();
@inline export const TS_LOCK_WAITS: usize = TS_LOCK_SPINS + sizeof<u32>();
@inline export const TS_BYTES_IN_USE: usize = TS_LOCK_WAITS + sizeof<u32>();
@inline export const TS_RETIRE_COUNT: usize = TS_BYTES_IN_USE + sizeof<u32>();
@inline export const TS_STAGING: usize = TS_RETIRE_COUNT + sizeof<u32>();
@inline export const TS_STAGING_SIZE: usize = TS_STAGING + sizeof<u32>();
@inline export const TS_RETIRE_BINS: usize = TS_STAGING_SIZE + sizeof<u32>();
@inline export const TS_ITERATING: usize = CACHE_LINE;
@inline export const MAP_HEADER_END: usize = THREAD_SLOTS + <usize>MAX_THREADS * THREAD_SLOT_SIZE;
/** Shard roots follow the thread slots; MAX_SHARDS of them end well below --memoryBase (65536). */
@inline export const SHARD_ROOTS: usize = MAP_HEADER_END;
@inline export const MAX_SHARDS: u32 = 256;
/** Strategy 'read-mostly': the dirty root sits where a sharded map's first shard root would. */
@inline export const RM_DIRTY_ROOT: usize = SHARD_ROOTS;

@inline export const THREAD_FREE: u32 = 0;
@inline export const THREAD_ACTIVE: u32 = 1;

// ── Epochs (epoch.ts) ──────────────────────────────────────────────────────────────────────────
// The global epoch moves in steps of 2; a thread slot's epoch is (global epoch | PINNED) while the
// thread is inside an operation and 0 outside. Something retired at epoch e is freed once the
// global epoch reaches e + 2 steps: every thread pinned before it was unlinked has unpinned.
@inline export const EPOCH_PINNED: u32 = 1;
@inline export const EPOCH_STEP: u32 = 2;
@inline export const RETIRE_BINS: u32 = 3;
@inline export const RETIRE_BIN_SIZE: usize = 2 * sizeof<u32>();
@inline export const BIN_HEAD: usize = 0;
@inline export const BIN_EPOCH: usize = sizeof<u32>();
/**
 * A retired block's record: the link to the next record of its bin and the size the block was
 * allocated with, in the last 8 bytes of the allocator's block (epoch.ts retire). Threads pinned
 * before the retirement may still read the block, and there buckets keep only padding, and tables
 * their last bucket's padding or the slack of their size class (the bucket layout below): a stale
 * search still sees every tophash, key and link, and a table's header. At the start, the record
 * overwrote a bucket's tophash word, and a delete that searched such a bucket missed its key
 * (assembly/README.md C2). Blobs have no padding, but a reader of a retired blob learns it from
 * the version (R7).
 */
@inline export const RETIRED_RECORD_BYTES: usize = 2 * sizeof<u32>();
@inline export const RETIRED_NEXT: usize = 0;
@inline export const RETIRED_SIZE: usize = sizeof<u32>();
/** Retirements between two attempts to advance the epoch and free what is safe. */
@inline export const COLLECT_EVERY: u32 = 64;

// ── Lock words (lock.ts) ───────────────────────────────────────────────────────────────────────
// 0 = free; otherwise the owner's thread slot + 1, with LOCK_WAITERS set once a thread sleeps on
// it. Recording the owner lets a later recovery tell which thread died holding a lock.
@inline export const LOCK_FREE: u32 = 0;
@inline export const LOCK_WAITERS: u32 = 0x80000000;
@inline export const LOCK_OWNER_MASK: u32 = 0x7fffffff;

// ── Staging area (one per thread) ──────────────────────────────────────────────────────────────
// Where the facade writes blob keys and values and where the core writes results.
// ╒═════════════ staging ═════════════════════════════════════════════════╕
// │   0   8  result     f64: the value found / the new counter value       │
// │   8   4  resultLen  length word of a blob result copied to STAGE_DATA  │
// │  12   4  needBytes  staging bytes an operation needs (NEEDS_SPACE)     │
// │  16   4  cursor     iteration: next logical bucket                     │
// │  20   4  count      iteration: entries written                         │
// │  24   4  resultAt   staging offset of a blob result's bytes            │
// │  28   4  otherSlot  misuse statuses: the other thread's slot + 1       │
// │  32   4  otherJsId  misuse statuses: the other thread's JS threadId    │
// │  36   4  status     why getValue returned NaN (fast64.ts): read by JS  │
// │  64  ..  data       key blob, then value blob, then expected blob,     │
// │                     each 8-aligned; a blob result goes just past the   │
// │                     key, so a reader that retries still has its probe │
// ╘═══════════════════════════════════════════════════════════════════════╛
@inline export const STAGE_RESULT: usize = 0;
@inline export const STAGE_RESULT_LEN: usize = 8;
@inline export const STAGE_NEED_BYTES: usize = 12;
@inline export const STAGE_CURSOR: usize = 16;
@inline export const STAGE_COUNT: usize = 20;
@inline export const STAGE_RESULT_AT: usize = 24;
@inline export const STAGE_OTHER_SLOT: usize = 28;
@inline export const STAGE_OTHER_JS_ID: usize = 32;
@inline export const STAGE_STATUS: usize = 36;
@inline export const STAGE_DATA: usize = 64;
@inline export const STAGING_INITIAL_SIZE: u32 = 64 * 1024;

// ── Blob length words ──────────────────────────────────────────────────────────────────────────
// A blob key or value word is (pointer | lengthWord << 32). The length word carries the byte
// length and, for strings, whether the bytes are UTF-16 (src/codec.ts picks one canonical form
// per string, so equal keys have equal words and equal bytes).
@inline export const LEN_BYTES_MASK: u32 = (1 << 30) - 1;
@inline export const LEN_UTF16: u32 = 1 << 30;
@inline export const MAX_KEY_BYTES: u32 = 1 << 20;
@inline export const MAX_VALUE_BYTES: u32 = 1 << 26;

@inline export function blobPtr(word: u64): usize { return <usize>(word & 0xffffffff); }
@inline export function blobLenWord(word: u64): u32 { return <u32>(word >> 32); }
@inline export function blobBytes(word: u64): u32 { return <u32>(word >> 32) & LEN_BYTES_MASK; }
@inline export function blobWord(ptr: usize, lenWord: u32): u64 {
  return (<u64>lenWord << 32) | <u64>ptr;
}
/** Bytes a blob of this length occupies in the staging area (8-aligned). */
@inline export function align8(bytes: u32): u32 { return (bytes + 7) & ~7; }

// ── Tables ─────────────────────────────────────────────────────────────────────────────────────
// A table is a header followed by 2^B buckets; overflow buckets are allocated one at a time.
// The evacuation cursor lives in the old table itself, not in the map header, so a thread still
// finishing work on a previous growth can never move the cursor of the next one.
// ╒═════════════ Table header (128 bytes) ═════════════════════════════════════╕
// │   0   8  (retire link: epoch.ts writes here once the table is retired, so  │
// │           pinned threads still read valid B, mask and next)                │
// │   8   4  B              log2 of the bucket count          written at G1    │
// │  12   4  bucketMask     2^B - 1                           written at G1    │
// │  16   4  overflowCount  overflow buckets in use           atomic add       │
// │  20   4  next           the table this one evacuates into written at G2    │
// │  24   4  sizeBytes      what to free                      written at G1    │
// │  64   4  nevacuate      evacuation cursor (own line: every evacuator       │
// │  68   4  evacuated      old buckets done    writes it, readers never do)   │
// ╘════════════════════════════════════════════════════════════════════════════╛
@inline export const TABLE_HEADER_SIZE: usize = 2 * CACHE_LINE;
@inline export const TBL_B: usize = 2 * sizeof<u32>();
@inline export const TBL_BUCKET_MASK: usize = TBL_B + sizeof<u32>();
@inline export const TBL_OVERFLOW_COUNT: usize = TBL_BUCKET_MASK + sizeof<u32>();
@inline export const TBL_NEXT: usize = TBL_OVERFLOW_COUNT + sizeof<u32>();
@inline export const TBL_SIZE_BYTES: usize = TBL_NEXT + sizeof<u32>();
@inline export const TBL_NEVACUATE: usize = CACHE_LINE;
@inline export const TBL_EVACUATED: usize = TBL_NEVACUATE + sizeof<u32>();
/** 2^23 buckets × 192 bytes is the largest table under the allocator's 2 GiB block limit. */
@inline export const MAX_B: u32 = 23;
/** With 320-byte buckets (blob keys), 2^22 is. */
@inline export const MAX_B_BLOB_KEYS: u32 = 22;

// ── Buckets ────────────────────────────────────────────────────────────────────────────────────
// ╒═════════════ Bucket: 192 bytes, or 320 for blob keys (whole cache lines) ═════════════════╕
// │   0   8  tophash   one byte per slot: 0 = empty, 1 = deleted, else the hash's top byte    │
// │   8   4  lock      head buckets: the chain's lock word (lock.ts)                          │
// │  12   4  version   head buckets: the chain's seqlock version (W5/W7, R4/R6)               │
// │  16      slots     8 slots, each one of:                                                  │
// │                    number and int32 keys, 16 bytes: key u64, value u64                    │
// │  (32 for blob keys: 16 bytes of padding first, so that no slot straddles two lines)       │
// │                    blob keys, 32 bytes: key u64, value u64, then 16 bytes for the key's    │
// │                    own bytes when it has at most SHORT_KEY_BYTES (its key word points     │
// │                    there), else unused (the key word points to a blob)                    │
// │ 144 or 288   4  overflow  next bucket of the chain, or 0                                  │
// │ 148 or 292  (padding to a whole number of cache lines; once the bucket is retired, its     │
// │              last 8 bytes hold the retired record: RETIRED_RECORD_BYTES)                 │
// ╘═══════════════════════════════════════════════════════════════════════════════════════════╛
// Buckets start on a cache line (tables and overflow buckets are 64-aligned: alloc.ts), so
// every slot's 16 or 32 bytes fall inside one line:
//
//   inline keys   line 0: header, slots 0-2 │ line 1: slots 3-6 │ line 2: slot 7, overflow
//   blob keys     line 0: header, slot 0    │ lines 1-3: slots 1-6, two a line │ line 4: slot 7, overflow
//
// A lookup reads the header's line and its slot's line; for the first slots of a chain, which
// hold most entries of a map at its usual load, those are the same line. An overwrite's lock
// word and value are then in one line too, so two threads writing the same chain pass one
// line between their cores rather than two. The overflow link sits after the last slot, as in
// Go's buckets: it is read only when a bucket is full (a bucket with room ends its chain), so
// the header's line has room for a third inline slot. On 1M number keys, uniformly looked up,
// a lookup reads about 1.32 lines on average (1.51 with the link in the header and two slots
// in its line, 1.85 with 152-byte buckets placed anywhere), and a string key's 1.74. Whole lines cost
// memory: 192 bytes where 148 would do for inline keys, 320 where 292 would for blob keys.
//
// A key, its value and a short blob key's bytes are adjacent in one line: a lookup of a string
// key of up to 16 bytes reads no memory outside the bucket, where a blob would cost one more
// cache miss (and on a large map a TLB miss) per hit: a small-string optimisation, as C++
// strings keep short ones inline. A key's length alone says where its bytes are, and readers
// follow the key word's pointer either way. The price: 128 bytes more per bucket of a blob-key
// map, unused where keys are longer.
// Chains are kept dense: the first empty tophash ends the chain. A delete moves the chain's last
// entry into the hole (table.ts chainRemove), or, in maps whose overwrites take no lock, leaves
// a tombstone (tophash DELETED, value TOMBSTONE) that an insert reuses once its grace period is
// over (chainBury, chainInsert; C4–C6 in assembly/README.md), so tombstones do not pile up.
@inline export const BUCKET_SLOTS: u32 = 8;
@inline export const BKT_TOPHASH: usize = 0;
@inline export const BKT_LOCK: usize = BKT_TOPHASH + sizeof<u64>();
@inline export const BKT_VERSION: usize = BKT_LOCK + sizeof<u32>();
/** The header's bytes: tophash, lock and version. Inline slots follow at once, three in its line. */
@inline export const BKT_HEADER: usize = BKT_VERSION + sizeof<u32>();
/** Blob-key slots start half a line in, so that each of their 32 bytes stays in one line. */
@inline export const BKT_BLOB_KEY_SLOTS: usize = CACHE_LINE / 2;
@inline export const SLOT_KEY: usize = 0;
@inline export const SLOT_VALUE: usize = sizeof<u64>();
@inline export const SLOT_KEY_BYTES: usize = 2 * sizeof<u64>();
@inline export const SHORT_KEY_BYTES: u32 = 16;
@inline export const SLOT_SIZE: usize = SLOT_KEY_BYTES;
@inline export const BLOB_KEY_SLOT_SIZE: usize = SLOT_KEY_BYTES + <usize>SHORT_KEY_BYTES;
/**
 * Whole lines, holding the slots and the overflow link (u32) after the last one: 16 + 8 × 16 + 4
 * = 148 of 192 bytes for inline keys, 32 + 8 × 32 + 4 = 292 of 320 for blob keys.
 */
@inline export const BUCKET_SIZE: usize = 3 * CACHE_LINE;
@inline export const BLOB_KEY_BUCKET_SIZE: usize = 5 * CACHE_LINE;

// This thread's bucket geometry, fixed by the map's key kind (setGeometry, before any table is
// made or read): the one piece of layout that is not a constant.
let slotStride: usize = SLOT_SIZE;
let slotsAt: usize = BKT_HEADER;
let overflowAt: usize = BKT_HEADER + <usize>BUCKET_SLOTS * SLOT_SIZE;
let bucketStride: usize = BUCKET_SIZE;
let largestB: u32 = MAX_B;
let shortKeysInSlots: bool = false;

export function setGeometry(keyKind: u32): void {
  shortKeysInSlots = keyKind == KEY_BLOB;
  slotStride = shortKeysInSlots ? BLOB_KEY_SLOT_SIZE : SLOT_SIZE;
  slotsAt = slotAddrOf(0, 0, shortKeysInSlots);
  overflowAt = bucketOverflowOf(shortKeysInSlots);
  bucketStride = bucketBytesOf(shortKeysInSlots);
  largestB = shortKeysInSlots ? MAX_B_BLOB_KEYS : MAX_B;
}
// The same geometry for code compiled once per key kind, where `blob` (short keys in their slots)
// is a constant at each call (fast64.ts): constants in place of the globals above. Zipfian churn
// through the core took 0.97-0.98x the time with them on 1M number keys, and 0.98x on 1K (two
// copies of each build timed in turn over one map's memory, 24 and 16 rounds, 2026-11-25).
@inline export function slotAddrOf(bucket: usize, slot: u32, blob: bool): usize {
  return blob ? bucket + BKT_BLOB_KEY_SLOTS + <usize>slot * BLOB_KEY_SLOT_SIZE : bucket + BKT_HEADER + <usize>slot * SLOT_SIZE;
}
@inline export function bucketBytesOf(blob: bool): u32 { return <u32>(blob ? BLOB_KEY_BUCKET_SIZE : BUCKET_SIZE); }
@inline export function bucketOverflowOf(blob: bool): usize {
  return blob ? BKT_BLOB_KEY_SLOTS + <usize>BUCKET_SLOTS * BLOB_KEY_SLOT_SIZE : BKT_HEADER + <usize>BUCKET_SLOTS * SLOT_SIZE;
}
@inline export function tableBucketOf(table: usize, index: u32, blob: bool): usize {
  return table + TABLE_HEADER_SIZE + <usize>index * bucketBytesOf(blob);
}

/** Where a bucket of this map keeps its overflow link. */
@inline export function bucketOverflow(): usize { return overflowAt; }
/** Bytes of one bucket of this map. */
@inline export function bucketBytes(): u32 { return <u32>bucketStride; }
/** The largest B a table of this map may have. */
@inline export function maxB(): u32 { return largestB; }
/** Whether `word`, a key word of this map, holds its bytes in its slot (blob keys of <= 16 bytes). */
@inline export function keyInSlot(word: u64): bool {
  return shortKeysInSlots && blobBytes(word) <= SHORT_KEY_BYTES;
}

// Tophash encodings: 0 marks an empty slot, 1 a deleted one (a tombstone: its key and value words
// are dead; table.ts chainBury); a hash whose top byte is below MIN_TOPHASH is stored as MIN_TOPHASH.
@inline export const TOPHASH_EMPTY: u8 = 0;
@inline export const TOPHASH_DELETED: u8 = 1;
@inline export const MIN_TOPHASH: u8 = 2;

// Version word of a head bucket: WRITING while a writer changes the chain (readers retry),
// EVACUATED once the chain has been copied to the next table (for good), and a counter above.
@inline export const VERSION_WRITING: u32 = 1;
@inline export const VERSION_EVACUATED: u32 = 2;
@inline export const VERSION_STEP: u32 = 4;

// Load factor 6.5 entries per bucket, as Go's map: a doubling growth starts when a writer needs a
// new overflow bucket and count > 6.5 × 2^B. Written as 13/2 to stay in integers.
@inline export const LOAD_FACTOR_NUM: u32 = 13;
@inline export const LOAD_FACTOR_DEN: u32 = 2;

// ── Accessors ──────────────────────────────────────────────────────────────────────────────────
@inline export function threadSlot(index: u32): usize {
  return THREAD_SLOTS + <usize>index * THREAD_SLOT_SIZE;
}
@inline export function classEntry(sizeClass: u32): usize {
  return MAP_HEADER + HDR_CLASSES + <usize>sizeClass * CLASS_ENTRY_SIZE;
}
@inline export function tableBucket(table: usize, index: u32): usize {
  return table + TABLE_HEADER_SIZE + <usize>index * bucketStride;
}
@inline export function tableBytes(B: u32): u32 {
  return <u32>TABLE_HEADER_SIZE + (<u32>1 << B) * <u32>bucketStride;
}
@inline export function slotAddr(bucket: usize, slot: u32): usize {
  return bucket + slotsAt + <usize>slot * slotStride;
}
@inline export function tableB(table: usize): u32 { return load<u32>(table, TBL_B); }
@inline export function tableMask(table: usize): u32 { return load<u32>(table, TBL_BUCKET_MASK); }
@inline export function tableNext(table: usize): usize { return load<u32>(table, TBL_NEXT); }

// The header sits at a fixed address; these keep call sites short.
@inline export function hdr(offset: usize): usize { return MAP_HEADER + offset; }
@inline export function header32(offset: usize): u32 { return load<u32>(MAP_HEADER + offset); }
