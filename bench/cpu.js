// CPU time of the calling thread, to tell "slow" from "off the CPU" on a shared machine. Used by
// bench/latency.js (main thread) and bench/tasks/throughput.mjs (each worker).

import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system) of the calling thread in ms, from /proc/thread-self/stat, or null
 * where that does not exist (not Linux). Counted in clock ticks of 10 ms (USER_HZ is 100 on
 * Linux), so compare it only with windows of a second or so.
 */
export function threadCpuMs() {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces: state is
    // field 3 of proc(5)'s stat, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[14 - 3]) + Number(fields[15 - 3])) * 10;
  } catch {
    return null;
  }
}

/** Starts a window; the returned function gives CPU time / wall time since then, or null. */
export function cpuShareSince() {
  const cpu = threadCpuMs();
  const wall = performance.now();
  return () => {
    const cpuNow = threadCpuMs();
    return cpu === null || cpuNow === null ? null : (cpuNow - cpu) / (performance.now() - wall);
  };
}
