// The demo's web server (`npm run demo`, or `node demo/server.js [--port N]`): static files on the
// loopback interface only, with the headers that make a page cross-origin isolated, because only
// an isolated page gets SharedArrayBuffer and can share a WebAssembly.Memory with Web Workers.
//
// What it serves, and nothing else (every other path is a 404):
//   /                 demo/ (index.html, app.js, the worker, styles)
//   /dist/browser/    the browser bundle and its .wasm, made by `npm run build`
//   /bench/keys.js, /bench/workloads.js
//                     the Node benchmark's seeded key and operation sequences: the page imports
//                     them as they are, so it runs exactly the mixes `npm run bench` runs. Only
//                     these two files: the rest of bench/ is Node code and local results.
//
// Every response carries COOP/COEP/CORP (a worker script or .wasm without them would be blocked
// by the isolated page), and no-store, so a rebuild is picked up by a plain reload.
// Port: --port N, --port=N, or PORT; default 8080; 0 picks a free one. The first line printed to
// stdout is `sharemap demo: http://127.0.0.1:PORT/` once the socket listens (the tests read it).

import { createServer } from 'node:http';
import { createReadStream, existsSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 8080;
const REPO = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(REPO, 'dist', 'browser', 'sharemap.js');
const MISSING_BUNDLE = 'dist/browser/sharemap.js is missing: run npm run build first';

/** URL prefix to directory; a prefix ends with '/', and the longest matching one wins. */
const ROOTS = [
  { prefix: '/dist/browser/', dir: join(REPO, 'dist', 'browser') },
  { prefix: '/bench/', dir: join(REPO, 'bench'), only: new Set(['keys.js', 'workloads.js']) },
  { prefix: '/', dir: join(REPO, 'demo') },
];

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function parsePort(argv, env) {
  let text = env.PORT;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') text = argv[++i];
    else if (argv[i].startsWith('--port=')) text = argv[i].slice('--port='.length);
    else throw new RangeError(`unknown argument ${JSON.stringify(argv[i])} (usage: node demo/server.js [--port N])`);
  }
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`the port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return port;
}

/**
 * The file a URL path names, or undefined. Refuses anything that would leave its root: the
 * decoded path is resolved and must stay under the root's directory, and so must its real path
 * (a symlink inside demo/ must not reach the rest of the disk).
 */
async function fileFor(pathname) {
  let decoded;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined; // malformed %-escapes
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const root = ROOTS.find(({ prefix }) => decoded.startsWith(prefix));
  if (!root) return undefined;
  let rest = decoded.slice(root.prefix.length);
  if (root.only && !root.only.has(rest)) return undefined;
  if (rest === '' || rest.endsWith('/')) rest += 'index.html';
  const path = resolve(root.dir, rest);
  if (!path.startsWith(root.dir + sep)) return undefined;
  try {
    const real = await realpath(path);
    const realRoot = await realpath(root.dir);
    if (!real.startsWith(realRoot + sep)) return undefined;
    const info = await stat(real);
    return info.isFile() ? { path: real, size: info.size } : undefined;
  } catch {
    return undefined; // absent, or unreadable
  }
}

function send(response, status, type, body) {
  response.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' });
  response.end(body);
}

async function handle(request, response) {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    return;
  }
  // The path only: a query string (the page's ?threads=…) does not name another file.
  const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
  const file = await fileFor(pathname);
  if (!file) {
    const hint = pathname.startsWith('/dist/browser/') && !existsSync(BUNDLE) ? `${MISSING_BUNDLE}\n` : '';
    send(response, 404, 'text/plain; charset=utf-8', `not found\n${hint}`);
    return;
  }
  response.writeHead(200, {
    ...ISOLATION_HEADERS,
    'Content-Type': MIME_TYPES[extname(file.path)] ?? 'application/octet-stream',
    'Content-Length': file.size,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(file.path);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

function main() {
  let port;
  try {
    port = parsePort(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`sharemap demo: ${error.message}`);
    process.exit(2);
  }
  if (!existsSync(BUNDLE)) console.error(`sharemap demo: ${MISSING_BUNDLE}`);

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      console.error('sharemap demo:', error);
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else response.destroy();
    });
  });
  server.on('error', (error) => {
    console.error(`sharemap demo: cannot listen on ${HOST}:${port}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, HOST, () => {
    console.log(`sharemap demo: http://${HOST}:${server.address().port}/`);
  });

  const stop = () => {
    // Open keep-alive connections would hold close() open; the page has nothing in flight worth
    // waiting for.
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main();
