// What the shared code needs from its platform (Node or a browser), handed in by the entry
// point (src/node.ts, src/browser.ts) before anything else runs, so that map.ts imports no
// platform module.

export interface Host {
  /** Compiles the core, release or debug build. */
  loadModule(build: 'release' | 'debug'): Promise<WebAssembly.Module>;
  /** A number that names this thread in diagnostics (Node's threadId; 0 on the main thread). */
  threadId(): number;
  /** Whether this thread may block in Atomics.wait (not the browser main thread). */
  canBlock(): boolean;
}

let current: Host | undefined;

export function setHost(host: Host): void {
  current = host;
}

export function host(): Host {
  if (!current) throw new Error('sharemap: import it from its package entry ("sharemap"), not from an internal file');
  return current;
}
