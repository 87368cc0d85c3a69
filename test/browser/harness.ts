// One Chromium per test file, one fresh page per test: `describeInChromium` launches the browser
// and a static server over the repository root before the file's tests and closes both after.
// Closing each test's page ends the Web Workers it started, so a failed or timed-out test leaves
// no worker running. Without Chromium, every file reports one skipped test named with the reason.
//
// Tests assert in Node on what the page returns. The code that runs in the page is plain ES
// modules (test/browser/fixtures/*.mjs, tasks/*.mjs) importing the browser build from
// /dist/browser/ (`npm test` builds it first); `callFixture` runs one of their exports.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { chromiumSkipReason, launchChromium, serveIsolated } from './launch.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The browser entry as pages import it. */
export const BUNDLE_PATH = '/dist/browser/sharemap.js';
export const BLANK_PAGE = '/test/browser/fixtures/blank.html';
/**
 * Runs `exportName(...args)` of the fixture module at `modulePath` (a path on the server) in
 * `page`, and resolves with its structured-cloned result. Preconditions: `page` shows BLANK_PAGE.
 */
export function callFixture<T = unknown>(page: Page, modulePath: string, exportName: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(
    ([path, name, list]) => (globalThis as unknown as FixtureCaller).callFixture(path, name, list),
    [modulePath, exportName, args] as const,
  ) as Promise<T>;
}

interface FixtureCaller {
  callFixture(modulePath: string, exportName: string, args: readonly unknown[]): Promise<unknown>;
}

/** Per-test deadline: above any runWorkers timeoutMs a test passes into the page. */
export const TEST_TIMEOUT_MS = 60_000;
/** What tests pass as runWorkers' timeoutMs in the page. */
export const RUN_TIMEOUT_MS = 30_000;

export interface ChromiumSession {
  /** The server's origin, e.g. http://127.0.0.1:40123. */
  readonly origin: string;
  /**
   * Opens `path` on the test server (default: a blank page), or an absolute http URL, in a new
   * page; it is closed after the test.
   */
  open(path?: string): Promise<Page>;
  /** Uncaught errors and console errors of the pages opened by the current test. */
  readonly pageErrors: string[];
}

/**
 * Declares a suite that runs in Chromium; `options.isolated: false` serves pages without the
 * cross-origin isolation headers.
 */
export function describeInChromium(
  name: string,
  define: (session: ChromiumSession) => void,
  options: { isolated?: boolean } = {},
): void {
  if (chromiumSkipReason !== undefined) {
    describe(name, () => {
      it.skip(chromiumSkipReason, () => {});
    });
    return;
  }
  describe(name, () => {
    let browser: Browser | undefined;
    let server: { url: string; close(): Promise<void> } | undefined;
    let pages: Page[] = [];
    const pageErrors: string[] = [];

    beforeAll(async () => {
      if (!existsSync(`${REPO_ROOT}${BUNDLE_PATH.slice(1)}`)) {
        throw new Error(`${BUNDLE_PATH} is missing: run npm run build (npm test does) before the browser tests`);
      }
      server = await serveIsolated(REPO_ROOT, options);
      browser = await launchChromium();
    }, TEST_TIMEOUT_MS);

    afterEach(async () => {
      // Closing a page terminates its workers, even ones stuck in Atomics.wait or a loop.
      await Promise.all(pages.map((page) => page.close()));
      pages = [];
      pageErrors.length = 0;
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    define({
      get origin() {
        if (server === undefined) throw new Error('the server is not running (beforeAll failed)');
        return server.url;
      },
      async open(path = BLANK_PAGE) {
        if (browser === undefined || server === undefined) throw new Error('Chromium is not running (beforeAll failed)');
        const page = await browser.newPage();
        pages.push(page);
        page.on('pageerror', (error) => pageErrors.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error') pageErrors.push(message.text());
        });
        const response = await page.goto(path.startsWith('http') ? path : `${server.url}${path}`);
        if (!response?.ok()) throw new Error(`${path}: HTTP ${response?.status()}`);
        return page;
      },
      pageErrors,
    });
  });
}
