// Baseline: lmdb-js (the `lmdb` package), an embedded memory-mapped B+tree store that many
// threads and processes can open at once. It is NOT a dependency of this project (it ships native
// binaries per platform, which breaks `npm ci` where the registry lacks them): `npm i --no-save
// lmdb` to include it. Without it the run prints one "skipped" line.
//
// Each worker opens the same database directory (made and filled by the main thread); reads are
// lmdb's zero-copy get, writes are synchronous single-operation transactions (putSync,
// removeSync), add is a read-modify-write in transactionSync. noSync: durability is not what the
// other implementations offer either. Not run on the machine this harness was written on (lmdb
// was not installed there), so treat its first numbers with care.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { populate } from '../workloads.js';

export const LMDB_SKIPPED = 'lmdb: skipped (not installed; `npm i --no-save lmdb` to include it)';

/** lmdb's module, or null if it cannot be imported. */
export async function loadLmdb() {
  try {
    return await import('lmdb');
  } catch {
    return null;
  }
}

const OPTIONS = { noSync: true, noMemInit: true };

/** A new database directory filled like the shared map; returns its path and a remover. */
export async function createLmdb(workload) {
  const { open } = await import('lmdb');
  const path = mkdtempSync(join(tmpdir(), 'sharemap-bench-lmdb-'));
  const db = open({ path, ...OPTIONS });
  db.transactionSync(() => populate((k, v) => db.putSync(k, v), workload));
  await db.close();
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The target a worker of bench/tasks/throughput.mjs drives. */
export async function lmdbTarget(path) {
  const { open } = await import('lmdb');
  const db = open({ path, ...OPTIONS });
  return {
    get: (k) => db.get(k),
    set(k, v) {
      db.putSync(k, v);
      return this;
    },
    delete: (k) => db.removeSync(k),
    add: (k, delta) =>
      db.transactionSync(() => {
        const next = (db.get(k) ?? 0) + delta;
        db.putSync(k, next);
        return next;
      }),
    close: () => db.close(),
  };
}
