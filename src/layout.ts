// The core's layout constants and status codes, read from the module's exports once. The facade
// writes no offset or status number of its own: assembly/layout.ts and assembly/status.ts own
// them, and test/layout.test.ts checks that this list and the module agree.

export interface Layout {
  LAYOUT_VERSION: number;
  MAX_THREADS: number;
  KEY_NUMBER: number;
  KEY_INT32: number;
  KEY_BLOB: number;
  VALUE_NUMBER: number;
  VALUE_INT32: number;
  VALUE_BLOB: number;
  STAGE_RESULT: number;
  STAGE_RESULT_LEN: number;
  STAGE_NEED_BYTES: number;
  STAGE_CURSOR: number;
  STAGE_COUNT: number;
  STAGE_RESULT_AT: number;
  STAGE_DATA: number;
  LEN_UTF16: number;
  LEN_BYTES_MASK: number;
  MAX_KEY_BYTES: number;
  MAX_VALUE_BYTES: number;
  HEADER_END: number;
  STATS_FIELDS: number;
  OK: number;
  INSERTED: number;
  FOUND: number;
  NOT_FOUND: number;
  MISMATCH: number;
  OUT_OF_MEMORY: number;
  NEEDS_SPACE: number;
  KEY_TOO_LARGE: number;
  VALUE_TOO_LARGE: number;
  DONE: number;
  ATTACH_TOO_MANY_THREADS: number;
  ATTACH_NOT_A_MAP: number;
  ATTACH_OUT_OF_MEMORY: number;
  STAGING_INITIAL_SIZE: number;
  STAGE_OTHER_SLOT: number;
  STAGE_OTHER_JS_ID: number;
  STAGE_STATUS: number;
  STRATEGY_CONCURRENT: number;
  STRATEGY_OWNED: number;
  STRATEGY_RWLOCK: number;
  STRATEGY_SHARDED: number;
  STRATEGY_READ_MOSTLY: number;
  MAX_SHARDS: number;
  CONCURRENT_WRITES: number;
  READ_DURING_WRITE: number;
  WRITE_DURING_ITERATION: number;
}

export const LAYOUT_NAMES: readonly (keyof Layout)[] = [
  'LAYOUT_VERSION', 'MAX_THREADS', 'KEY_NUMBER', 'KEY_INT32', 'KEY_BLOB', 'VALUE_NUMBER',
  'VALUE_INT32', 'VALUE_BLOB', 'STAGE_RESULT', 'STAGE_RESULT_LEN', 'STAGE_NEED_BYTES',
  'STAGE_CURSOR', 'STAGE_COUNT', 'STAGE_RESULT_AT', 'STAGE_DATA', 'LEN_UTF16', 'LEN_BYTES_MASK', 'MAX_KEY_BYTES',
  'MAX_VALUE_BYTES', 'HEADER_END', 'STATS_FIELDS', 'OK', 'INSERTED', 'FOUND', 'NOT_FOUND',
  'MISMATCH', 'OUT_OF_MEMORY', 'NEEDS_SPACE', 'KEY_TOO_LARGE', 'VALUE_TOO_LARGE', 'DONE',
  'ATTACH_TOO_MANY_THREADS', 'ATTACH_NOT_A_MAP', 'ATTACH_OUT_OF_MEMORY', 'STAGING_INITIAL_SIZE',
  'STAGE_OTHER_SLOT', 'STAGE_OTHER_JS_ID', 'STAGE_STATUS', 'STRATEGY_CONCURRENT', 'STRATEGY_OWNED', 'STRATEGY_RWLOCK', 'STRATEGY_SHARDED', 'STRATEGY_READ_MOSTLY', 'MAX_SHARDS',
  'CONCURRENT_WRITES', 'READ_DURING_WRITE', 'WRITE_DURING_ITERATION',
];

const cache = new WeakMap<WebAssembly.Module, Layout>();

/** The layout of `module`, read from an instance's exported globals (cached per module). */
export function readLayout(module: WebAssembly.Module, exports: WebAssembly.Exports): Layout {
  let layout = cache.get(module);
  if (layout) return layout;
  // Built in one go by Object.fromEntries, not by a loop of `read[name] = …`: V8 turns an object
  // given dozens of properties by keyed stores into a dictionary, and then every `layout.X` on a
  // hot path (string keys read several per call) was a hash lookup through the LoadIC builtin:
  // 22% of the time of a string-key get on 1K entries (perf, `node --perf-prof`).
  layout = Object.fromEntries(LAYOUT_NAMES.map((name) => {
    const global = exports[name];
    if (!(global instanceof WebAssembly.Global)) {
      throw new Error(`sharemap core does not export ${name}: the .wasm and the JS are from different builds`);
    }
    return [name, Number(global.value)];
  })) as unknown as Layout;
  cache.set(module, layout);
  return layout;
}
