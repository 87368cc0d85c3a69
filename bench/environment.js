// What a result is only meaningful with: the runtime, the machine, the date and the load on it
// (other processes share the cores), and which code was measured.

import os from 'node:os';
import { readFileSync } from 'node:fs';

function packageVersion(url) {
  try {
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return null;
  }
}

/** The checked-out commit, read from .git without running git; null if there is none. */
function gitCommit() {
  try {
    const gitDir = new URL('../.git/', import.meta.url);
    const head = readFileSync(new URL('HEAD', gitDir), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    return readFileSync(new URL(head.slice(5), gitDir), 'utf8').trim();
  } catch {
    return null;
  }
}

export function environment() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    runtime: {
      node: process.version,
      v8: process.versions.v8,
      tinybench: packageVersion(new URL('../node_modules/tinybench/package.json', import.meta.url)),
    },
    machine: {
      os: `${os.type()} ${os.release()}`,
      arch: os.arch(),
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      availableParallelism: os.availableParallelism(),
      totalMemoryBytes: os.totalmem(),
      loadAverageAtStart: os.loadavg(),
    },
    code: {
      sharemap: packageVersion(new URL('../package.json', import.meta.url)),
      commit: gitCommit(),
    },
  };
}
