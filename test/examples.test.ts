// The README's examples run as users would run them, and print what the README says they print.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

describe('README examples', () => {
  it('quick start: two workers count words into one map', async () => {
    const { stdout } = await run(process.execPath, [example('quickstart.mjs')], { timeout: 60_000 });
    expect(stdout).toBe('the: 4\nsat: 2\ndistinct words: 7\n');
  });

  it('runWorkers: exactly one thread claims each id', async () => {
    const { stdout } = await run(process.execPath, [example('run-workers.mjs')], { timeout: 60_000 });
    expect(stdout).toBe('first to claim, per thread: 10000\ndistinct ids: 10000\n');
  });

  it("strategy 'owned': a write during another thread's iteration throws, and works once it ends", async () => {
    const { stdout } = await run(process.execPath, [example('owned.mjs')], { timeout: 60_000 });
    expect(stdout).toBe('true WRITE_DURING_ITERATION\n2\n');
  });
});
