// A page served without the cross-origin isolation headers gets no SharedArrayBuffer. The map
// cannot work there, and the error must tell the developer exactly what the server must send.

import { expect, it } from 'vitest';
import { TEST_TIMEOUT_MS, callFixture, describeInChromium } from './harness.js';

const HEADERS = [
  '"Cross-Origin-Opener-Policy: same-origin"',
  '"Cross-Origin-Embedder-Policy: require-corp"',
];

interface Described { name: string; code?: string; message: string }

describeInChromium('a page without cross-origin isolation, in Chromium', (session) => {
  it('create and runWorkers reject with NO_SHARED_MEMORY naming both headers and their values', async () => {
    const page = await session.open();
    const out = await callFixture<{
      crossOriginIsolated: boolean; sharedArrayBuffer: string; create: Described; runWorkers: Described; badOption: Described;
    }>(page, '/test/browser/fixtures/isolation.mjs', 'withoutIsolation');
    expect(out.crossOriginIsolated).toBe(false);
    expect(out.sharedArrayBuffer).toBe('undefined');
    for (const error of [out.create, out.runWorkers]) {
      expect(error).toMatchObject({ name: 'ConcurrentMapError', code: 'NO_SHARED_MEMORY' });
      for (const header of HEADERS) expect(error.message).toContain(header);
    }
    expect(out.badOption).toMatchObject({ name: 'TypeError' });
    expect(out.badOption.message).toContain('options.key');
  }, TEST_TIMEOUT_MS);
}, { isolated: false });
