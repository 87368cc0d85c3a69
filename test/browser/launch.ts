// How browser tests reach a real Chromium: where the binary is (or, loudly, why it is missing),
// how it is launched, and the static server that gives pages cross-origin isolation.
//
// Files the browser build puts in dist/ (`npm run build`), which pages served from the repository
// root import:
//   /dist/browser/sharemap.js         the browser entry, ESM: ConcurrentMap, ConcurrentMapError,
//                                     measure, runWorkers (bound to Web Workers)
//   /dist/browser/sharemap-worker.js  the worker script runWorkers starts (found next to the entry)
//   /dist/browser/sharemap.wasm       the core, found by new URL('./sharemap.wasm', import.meta.url)
//
// Chromium comes from Debian's `chromium` package (scripts/ensure-chromium.sh installs it in CI),
// never from a Playwright download. Where it is missing, tests report `chromiumSkipReason`
// instead of passing silently.

import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** The Chromium binary: `CHROMIUM_PATH` if set, else Debian's. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function findSkipReason(): string | undefined {
  if (existsSync(chromiumPath) && statSync(chromiumPath).isFile()) return undefined;
  const source = process.env.CHROMIUM_PATH ? 'CHROMIUM_PATH' : 'the default path';
  return `BROWSER TESTS SKIPPED: no Chromium at ${chromiumPath} (${source}). ` +
    'Run scripts/ensure-chromium.sh (apt-get install -y chromium, as root) or set CHROMIUM_PATH.';
}

/** Undefined when Chromium is there; otherwise why every browser test is skipped. */
export const chromiumSkipReason: string | undefined = findSkipReason();

if (chromiumSkipReason !== undefined) {
  const rule = '!'.repeat(Math.min(100, chromiumSkipReason.length));
  console.warn(`\n${rule}\n${chromiumSkipReason}\n${rule}\n`);
}

// TOOLCHAIN.md's flags. Playwright adds --headless itself (headless: true) and gives every launch
// a fresh temporary --user-data-dir, which it deletes on close; it refuses one passed in `args`.
const CHROMIUM_ARGS = [
  '--no-sandbox', // the CI container runs as root, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium from `chromiumPath`. Close it in afterAll. */
export async function launchChromium(): Promise<Browser> {
  if (chromiumSkipReason !== undefined) throw new Error(chromiumSkipReason);
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', // WebAssembly.compileStreaming accepts nothing else
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** The headers that make a page cross-origin isolated, so it gets SharedArrayBuffer. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // Lets isolated pages of this origin embed each file under require-corp.
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Serves the files under `root` on 127.0.0.1 (a free port), with ISOLATION_HEADERS unless
 * `options.isolated` is false. GET and HEAD only; nothing outside `root` is reachable.
 */
export function serveIsolated(
  root: string,
  options: { isolated?: boolean } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const base = resolve(root);
  const isolated = options.isolated ?? true;
  const server = createServer((request, response) => {
    void (async () => {
      const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...(isolated ? ISOLATION_HEADERS : {}) };
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        response.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
        return;
      }
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
      } catch {
        response.writeHead(400, headers).end();
        return;
      }
      if (pathname.endsWith('/')) pathname += 'index.html';
      const file = resolve(base, `.${pathname}`);
      if (file !== base && !file.startsWith(base + sep)) {
        response.writeHead(403, headers).end();
        return;
      }
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}`);
        return;
      }
      const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      response.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': body.length });
      response.end(request.method === 'HEAD' ? undefined : body);
    })();
  });
  return new Promise((resolveServer, rejectServer) => {
    server.once('error', rejectServer);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolveServer({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((resolveClose) => {
          // Chromium keeps connections alive; without this, close() would wait for them.
          server.closeAllConnections();
          server.close(() => resolveClose());
        }),
      });
    });
  });
}
