// The README's browser example, run as the README says: `node examples/browser/serve.mjs`, then
// the page it names, which must print what the README says it prints.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { TEST_TIMEOUT_MS, describeInChromium } from './harness.js';

const SERVE = fileURLToPath(new URL('../../examples/browser/serve.mjs', import.meta.url));

describeInChromium('the README browser example, in Chromium', (session) => {
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server?.exitCode === null) {
      server.kill();
      await once(server, 'exit');
    }
  });

  it('examples/browser/ counts words in two Web Workers and the page', async () => {
    server = spawn(process.execPath, [SERVE], { env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const [firstLine] = (await once(server.stdout!, 'data')) as [Buffer];
    const url = /http:\/\/\S+/.exec(firstLine.toString())?.[0];
    expect(url, `serve.mjs printed: ${firstLine.toString()}`).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/examples\/browser\/$/);

    const page = await session.open(url);
    await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'counting…', undefined, { timeout: 20_000 });
    expect(await page.textContent('#out')).toBe('the: 5\nsat: 2\ndistinct words: 7');
    expect(session.pageErrors).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
