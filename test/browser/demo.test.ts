// The demo of `npm run demo`: demo/server.js as users start it (a child process, --port 0), and
// the page it serves, run in headless Chromium from its URL parameters until it reports a
// throughput figure. The server tests need no browser; the page tests skip, loudly, without one.
// The page's screenshot is saved to test/artifacts/demo.png (gitignored) for people to look at.
//
// Every child process and browser started here is stopped in afterAll, failures included; every
// wait has a deadline. Closing a page ends the Web Workers it started.

import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSkipReason, launchChromium, serveIsolated } from './launch.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER = join(REPO_ROOT, 'demo', 'server.js');
const SCREENSHOT = join(REPO_ROOT, 'test', 'artifacts', 'demo.png');
const READY_LINE = /^sharemap demo: (http:\/\/127\.0\.0\.1:\d+)\/$/m;
const PROCESS_DEADLINE_MS = 10_000;
/** The whole page run: fill, the Map baseline and sharemap on 1 and 2 workers, 0.5 s each. */
const PAGE_DEADLINE_MS = 60_000;
const AUTOSTART = '/?threads=2&mix=read&keys=number&dist=uniform&size=1000&seconds=0.5&autostart=1';

interface DemoServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  stderr(): string;
  /** `signal` (default SIGTERM), then SIGKILL after a deadline; resolves with the exit code (null if killed). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `script` with `args`; resolves once it prints the origin it listens on. */
function startServer(args: string[] = ['--port', '0'], script = SERVER): Promise<DemoServer> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`${script} printed no origin within ${PROCESS_DEADLINE_MS} ms; stderr: ${stderr}`));
    }, PROCESS_DEADLINE_MS);
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      const match = READY_LINE.exec(stdout);
      if (!match) return;
      clearTimeout(deadline);
      resolve({ origin: match[1], stderr: () => stderr, stop: (signal) => stopChild(child, signal) });
    });
    child.once('exit', (code) => {
      clearTimeout(deadline);
      reject(new Error(`${script} exited with code ${code} before listening; stderr: ${stderr}`));
    });
  });
}

/** Runs the server with `args` to its exit, for arguments it must refuse. */
function runToExit(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [SERVER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`demo/server.js ${args.join(' ')} did not exit within ${PROCESS_DEADLINE_MS} ms`));
    }, PROCESS_DEADLINE_MS);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      resolve({ code, stderr });
    });
  });
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), PROCESS_DEADLINE_MS);
    child.once('exit', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    child.kill(signal);
  });
}

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with `path` sent exactly as written (fetch would resolve '..' and %2e%2e itself). */
function get(origin: string, path: string, method = 'GET'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(origin, { path, method, timeout: PROCESS_DEADLINE_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

describe('demo/server.js', () => {
  let server: DemoServer | undefined;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves the page, the bundle and the two bench modules with isolation headers and their types', async () => {
    const expected: [string, string][] = [
      ['/', 'text/html; charset=utf-8'],
      ['/index.html?threads=2', 'text/html; charset=utf-8'],
      ['/app.js', 'text/javascript; charset=utf-8'],
      ['/bench-worker.js', 'text/javascript; charset=utf-8'],
      ['/style.css', 'text/css; charset=utf-8'],
      ['/favicon.svg', 'image/svg+xml'],
      ['/dist/browser/sharemap.js', 'text/javascript; charset=utf-8'],
      ['/dist/browser/sharemap.wasm', 'application/wasm'],
      ['/bench/workloads.js', 'text/javascript; charset=utf-8'],
      ['/bench/keys.js', 'text/javascript; charset=utf-8'],
    ];
    for (const [path, type] of expected) {
      const response = await get(server!.origin, path);
      expect({ path, status: response.status, type: response.headers['content-type'] }).toEqual({ path, status: 200, type });
      expect(response.headers).toMatchObject({
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
        'cross-origin-resource-policy': 'same-origin',
      });
    }
    expect((await get(server!.origin, '/')).body).toContain('<script type="module" src="app.js">');
  });

  it('refuses paths that leave its roots, and the rest of bench/', async () => {
    // package.json exists one level above demo/ and two above dist/browser/: each path below
    // would reach it (or bench/config.js) if the root checks were missing.
    const escapes = [
      '/../package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2fpackage.json',
      '/dist/browser/..%2f..%2fpackage.json',
      '/dist/browser/%2e%2e%2f%2e%2e%2fpackage.json',
      '/bench/..%2fpackage.json',
      '/bench/config.js',
      '/bench/tasks/throughput.mjs',
      '/..%5cpackage.json',
      '/%00',
      '/%E0%A4%A',
    ];
    for (const path of escapes) {
      const response = await get(server!.origin, path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.body).not.toContain('"name": "sharemap"');
    }
  });

  it('answers 404 for missing files and 405 for other methods', async () => {
    const missing = await get(server!.origin, '/missing.html');
    expect(missing.status).toBe(404);
    expect(missing.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const post = await get(server!.origin, '/', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await get(server!.origin, '/app.js', 'HEAD');
    expect({ status: head.status, body: head.body }).toEqual({ status: 200, body: '' });
  });

  it('exits with code 0 on SIGTERM and on SIGINT', async () => {
    const first = await startServer();
    expect(await first.stop('SIGTERM')).toBe(0);
    const second = await startServer(['--port=0']);
    expect(await second.stop('SIGINT')).toBe(0);
  });

  it('refuses a bad port with a message, and says to build when the bundle is missing', async () => {
    const bad = await runToExit(['--port', 'eighty']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('the port must be an integer from 0 to 65535');

    // A copy of the server in a tree without dist/: it still serves, and says what to do.
    const tree = await mkdtemp(join(tmpdir(), 'sharemap-demo-'));
    let copy: DemoServer | undefined;
    try {
      await mkdir(join(tree, 'demo'));
      await copyFile(SERVER, join(tree, 'demo', 'server.js'));
      copy = await startServer(['--port', '0'], join(tree, 'demo', 'server.js'));
      expect(copy.stderr()).toContain('run npm run build first');
      const bundle = await get(copy.origin, '/dist/browser/sharemap.js');
      expect(bundle.status).toBe(404);
      expect(bundle.body).toContain('run npm run build first');
    } finally {
      await copy?.stop();
      await rm(tree, { recursive: true, force: true });
    }
  });
});

const skipReason = chromiumSkipReason;
if (skipReason !== undefined) {
  describe('the demo page in Chromium', () => {
    it.skip(skipReason, () => {});
  });
} else {
  describe('the demo page in Chromium', () => {
    let server: DemoServer | undefined;
    let browser: Browser | undefined;

    beforeAll(async () => {
      server = await startServer();
      browser = await launchChromium();
    });

    afterAll(async () => {
      // Each in its own step: a browser that fails to close must not leave the server running.
      await browser?.close().catch(() => {});
      await server?.stop();
    });

    /** Every Web Worker the page started has been terminated (Playwright sees them close). */
    async function expectNoWorkers(page: Page): Promise<void> {
      await expect.poll(() => page.workers().length, { timeout: 3_000 }).toBe(0);
    }

    /** A new page that records uncaught errors and console errors into `errors`. */
    async function openPage(errors: string[]): Promise<Page> {
      const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
      });
      return page;
    }

    it('runs the benchmark from its URL parameters and reports a throughput figure', async () => {
      const errors: string[] = [];
      const page = await openPage(errors);
      try {
        await page.goto(`${server!.origin}${AUTOSTART}`);
        await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null,
          { timeout: PAGE_DEADLINE_MS });
        // Saved before the assertions, so a failing run leaves its picture too.
        await mkdir(join(REPO_ROOT, 'test', 'artifacts'), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        const state = await page.evaluate(() => document.body.dataset.state);
        const shown = await page.locator('#error').textContent();
        expect({ state, error: state === 'error' ? shown : '' }).toEqual({ state: 'done', error: '' });

        const result = await page.evaluate(() => (window as unknown as { demoResult: DemoResult }).demoResult);
        expect(result.threads).toBe(2);
        expect(result.opsPerSec).toBeGreaterThan(0);
        expect(Number.isFinite(result.opsPerSec)).toBe(true);
        expect(result.perThread).toHaveLength(2);
        for (const perThread of result.perThread) {
          expect(perThread).toBeGreaterThan(0);
          expect(Number.isFinite(perThread)).toBe(true);
        }
        expect(result.opsPerSec).toBeCloseTo(result.perThread[0] + result.perThread[1], 0);
        expect(result.mapOpsPerSec).toBeGreaterThan(0);
        expect(Number.isFinite(result.mapOpsPerSec)).toBe(true);
        expect(result.byThreads.map((row) => [row.threads, row.perThread.length])).toEqual([[1, 1], [2, 2]]);
        // The map is the one the workers used: the read mix leaves its 1000 entries as they were.
        expect(result.stats).toMatchObject({ size: 1000, growing: false });
        // The page shows the figure it reports: the results table has the Map row and two of ours.
        expect(await page.locator('#results tbody tr').count()).toBe(3);
        await expectNoWorkers(page);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    }, PAGE_DEADLINE_MS + 15_000);

    it('Stop ends a run at once and terminates its workers', async () => {
      const errors: string[] = [];
      const page = await openPage(errors);
      try {
        // 5 s per phase: without the stop, this run would take over 15 s.
        await page.goto(`${server!.origin}/?threads=2&seconds=5&autostart=1`);
        await expect.poll(() => page.workers().length, { timeout: PROCESS_DEADLINE_MS }).toBeGreaterThan(0);
        const clicked = Date.now();
        await page.click('#stop');
        await page.waitForFunction(() => document.body.dataset.state === 'stopped', null, { timeout: PROCESS_DEADLINE_MS });
        expect(Date.now() - clicked).toBeLessThan(3_000);
        await expectNoWorkers(page);
        expect(await page.locator('#run').isEnabled()).toBe(true);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('names a URL parameter it does not accept', async () => {
      const errors: string[] = [];
      const page = await openPage(errors);
      try {
        await page.goto(`${server!.origin}/?mix=everything&autostart=1`);
        await page.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: PROCESS_DEADLINE_MS });
        expect(await page.locator('#error').textContent()).toContain('URL parameter mix=everything is not one of: read, read-heavy');
        expect(page.workers()).toHaveLength(0);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    });

    it('without cross-origin isolation, says so and names the headers', async () => {
      // The other helper's static server, without the headers, over the repository root: the
      // page's absolute imports (/dist/browser/, /bench/) resolve there as on the demo server.
      const plain = await serveIsolated(REPO_ROOT, { isolated: false });
      const errors: string[] = [];
      const page = await openPage(errors);
      try {
        await page.goto(`${plain.url}/demo/index.html?autostart=1`);
        await page.waitForFunction(() => document.body.dataset.state === 'error', null, { timeout: PROCESS_DEADLINE_MS });
        expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
        const notice = page.locator('#isolation');
        expect(await notice.isVisible()).toBe(true);
        expect(await notice.textContent()).toMatch(/Cross-Origin-Opener-Policy: same-origin[\s\S]*Cross-Origin-Embedder-Policy: require-corp/);
        expect(await page.locator('#error').textContent()).toContain('not cross-origin isolated');
        expect(await page.locator('#run').isDisabled()).toBe(true);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
        await plain.close();
      }
    });
  });
}

interface DemoResult {
  opsPerSec: number;
  perThread: number[];
  threads: number;
  mapOpsPerSec: number;
  byThreads: { threads: number; opsPerSec: number; perThread: number[] }[];
  stats: { size: number; growing: boolean };
}
