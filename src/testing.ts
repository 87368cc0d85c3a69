// Test helpers (package export "sharemap/testing"): the debug build of the core and its checks.
// Like Go's export_test.go, for this project's tests; not part of the public API.

import { host } from './host.js';
import { coreOf, type ConcurrentMap } from './map.js';
import type { DebugExports } from './core.js';

/** The debug build of the core: pass it as `create({ module })` to use checkInvariants. */
export function debugModule(): Promise<WebAssembly.Module> {
  return host().loadModule('debug');
}

/** 0 when every invariant of assembly/debug.ts holds (call only while no thread writes). */
export function checkInvariants(map: ConcurrentMap<any, any>): number {
  const core = coreOf.get(map) as DebugExports | undefined;
  if (!core || typeof core.checkInvariants !== 'function') {
    throw new Error('checkInvariants needs a map created with { module: await debugModule() }');
  }
  return core.checkInvariants();
}

/** The core's exports of this thread's instance of `map` (layout tests). */
export function coreExports(map: ConcurrentMap<any, any>): DebugExports {
  return coreOf.get(map) as DebugExports;
}
