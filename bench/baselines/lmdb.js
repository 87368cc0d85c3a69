// Baseline: lmdb-js (the `lmdb` package), an embedded memory-mapped B+tree store that many
// threads and processes can open at once. It is not a dependency of this project: it ships native
// binaries per platform, and a lockfile that lists them breaks `npm ci` where the registry lacks
// some platforms' (as ours does). So the bench installs it on first use into bench/.deps/
// (gitignored; BENCH_NO_INSTALL=1 turns that off), and where that fails prints why and skips it.
//
// Each worker opens the same database directory (made and filled by the main thread); reads are
// lmdb's get, writes are synchronous single-operation transactions (putSync, removeSync), add is
// a read-modify-write in transactionSync. noSync: durability is not what the other
// implementations offer either.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { populate } from '../workloads.js';

const DEPS = fileURLToPath(new URL('../.deps/', import.meta.url));
const VERSION = '3';

/** lmdb from the project (if a user installed it) or from bench/.deps, or null. */
function requireLmdb() {
  for (const from of [import.meta.url, join(DEPS, 'package.json')]) {
    try {
      return createRequire(from)('lmdb');
    } catch {
      // not there: try the next place
    }
  }
  return null;
}

/** Why lmdb was skipped, when it was (set by loadLmdb). */
export let lmdbSkipped = '';

/** lmdb's module, installing it into bench/.deps first if needed; null if it cannot be had. */
export async function loadLmdb(progress = () => {}) {
  let lmdb = requireLmdb();
  if (lmdb || process.env.BENCH_NO_INSTALL === '1') {
    if (!lmdb) lmdbSkipped = 'lmdb: skipped (not installed, and BENCH_NO_INSTALL=1)';
    return lmdb;
  }
  progress(`installing lmdb@${VERSION} into bench/.deps for the lmdb baseline (once)`);
  try {
    mkdirSync(DEPS, { recursive: true });
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['install', '--prefix', DEPS, `lmdb@${VERSION}`, '--no-save', '--no-audit', '--no-fund', '--no-package-lock'],
      { stdio: 'ignore', timeout: 180_000 });
  } catch (error) {
    lmdbSkipped = `lmdb: skipped (could not install it: ${error.message.split('\n')[0]})`;
    return null;
  }
  lmdb = requireLmdb();
  if (!lmdb) lmdbSkipped = 'lmdb: skipped (installed into bench/.deps, but it does not load on this platform)';
  return lmdb;
}

const OPTIONS = { noSync: true, noMemInit: true };

/** A new database directory filled like the shared map; returns its path and a remover. */
export async function createLmdb(workload) {
  const { open } = requireLmdb();
  const path = mkdtempSync(join(tmpdir(), 'sharemap-bench-lmdb-'));
  const db = open({ path, ...OPTIONS });
  db.transactionSync(() => populate((k, v) => db.putSync(k, v), workload));
  await db.close();
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The target a worker of bench/tasks/throughput.mjs drives. */
export async function lmdbTarget(path) {
  const { open } = requireLmdb();
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
