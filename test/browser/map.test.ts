// The map on a page's main thread in Chromium, through the browser bundle: every operation, string
// keys and values that take every path of the codec (non-ASCII, lone surrogates, long strings
// that go through TextEncoder/TextDecoder, which refuse shared memory in browsers), a random
// sequence against a JS Map, and the ways the core can be loaded.

import { expect, it } from 'vitest';
import { TEST_TIMEOUT_MS, callFixture, describeInChromium } from './harness.js';

const OPERATIONS = '/test/browser/fixtures/operations.mjs';

describeInChromium('the map on a page main thread, in Chromium', (session) => {
  it('the browser bundle exports the same names as the Node entry', async () => {
    const page = await session.open();
    const node = Object.keys(await import('sharemap')).sort();
    expect(await callFixture(page, OPERATIONS, 'bundleExports')).toEqual(node);
  }, TEST_TIMEOUT_MS);

  it('every operation works on every kind of key and value', async () => {
    const page = await session.open();
    const out = await callFixture(page, OPERATIONS, 'everyOperation');
    expect(out).toEqual({
      setReturnsMap: true,
      get: [1, undefined],
      has: [true, false],
      getOrInsert: [2, 2],
      getOrInsertComputed: 20,
      compareAndSet: [true, false, 11],
      update: [12, 5],
      add: [2, 5],
      size: 5,
      entries: [['a', 12], ['b', 2], ['cc', 20], ['n', 5], ['u', 5]],
      delete: [true, false, false],
      updateToUndefinedDeletes: [undefined, false],
      sizeAfterClear: 0,
      stats: { size: 0, threads: 1 },
      afterClose: { isConcurrentMapError: true, code: 'CLOSED' },
      int32Wraps: -0x80000000,
      bytes: { value: [250, 251], shared: false },
      structured: {
        text: 'naïve 😀', longIntact: true, list: ['1', String(2n ** 70n)], when: '1970-01-01T00:00:00.000Z',
        set: ['é'], nested: [[1, 'x']], distinct: true,
      },
    });
    expect(session.pageErrors).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it('Chromium refuses shared views in TextEncoder.encodeInto and TextDecoder.decode', async () => {
    // The premise of the codec's non-shared scratch buffer: if this ever stops holding, the
    // string tests below no longer prove anything about it.
    const page = await session.open();
    expect(await callFixture(page, OPERATIONS, 'sharedViewsRejected')).toEqual({ encodeInto: 'TypeError', decode: 'TypeError' });
  }, TEST_TIMEOUT_MS);

  it('string keys and values round-trip: non-ASCII, lone surrogates, BOMs, long and huge ones', async () => {
    const page = await session.open();
    const out = await callFixture<{ wrong: string[]; size: number; expectedSize: number; iterated: number }>(
      page, OPERATIONS, 'stringRoundTrips');
    expect(out.wrong).toEqual([]);
    expect(out.size).toBe(out.expectedSize);
    expect(out.iterated).toBe(out.expectedSize);
  }, TEST_TIMEOUT_MS);

  it('random operations on string keys agree with a JS Map', async () => {
    const page = await session.open();
    expect(await callFixture(page, OPERATIONS, 'againstModel', 0x5eed, 20_000)).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it('create({ module }) uses a core the page compiled itself', async () => {
    const page = await session.open();
    expect(await callFixture(page, OPERATIONS, 'customModule', '/build/sharemap.wasm')).toEqual({ value: 2, sameModule: true });
  }, TEST_TIMEOUT_MS);

  it('a core that cannot be fetched rejects create with MODULE_LOAD_FAILED, and a later create retries', async () => {
    const page = await session.open();
    await page.route('**/dist/browser/sharemap.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const { first } = await callFixture<{ first: { name: string; code: string; message: string } }>(page, OPERATIONS, 'loadFailure');
    expect(first.code).toBe('MODULE_LOAD_FAILED');
    expect(first.message).toContain(`${session.origin}/dist/browser/sharemap.wasm`);
    expect(first.message).toContain('HTTP 404');
    expect(first.message).toContain('create({ module })');
    await page.unroute('**/dist/browser/sharemap.wasm');
    expect(await callFixture(page, OPERATIONS, 'createWorks')).toBe(8);
  }, TEST_TIMEOUT_MS);
});
