// Builds the browser files into dist/browser/ (after build:wasm; see test/browser/launch.ts for
// the list): the entry and the worker script as self-contained ES modules, and the core beside
// them, where both find it with new URL('./sharemap.wasm', import.meta.url).
//
// The worker script is bundled on its own rather than sharing chunks with the entry, so a bundler
// that copies it as an opaque asset (what `new URL('./x.js', import.meta.url)` means to Vite and
// webpack) still gets a file that runs by itself.

import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/browser`;

const core = `${root}build/sharemap.wasm`;
if (!existsSync(core)) throw new Error(`${core} is missing: run npm run build:wasm first (npm run build does)`);

await mkdir(outdir, { recursive: true });
await build({
  absWorkingDir: root,
  entryPoints: { sharemap: 'src/browser.ts', 'sharemap-worker': 'src/worker-browser.ts' },
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser', // picks msgpackr's browser build, which has no native extractor
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
});
await copyFile(core, `${outdir}/sharemap.wasm`);
