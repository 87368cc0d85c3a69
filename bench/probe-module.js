// The smallest Wasm module the bench calls: one imported memory and two exports, each one memory
// access, written out byte by byte so that the bench needs no compiler and the measured code is
// exactly that access. Part 4 (bench/call-cost.js) times the call with it; part 2's floor
// (bench/baselines/floor.js) makes one access per operation with it.
//
//   (module
//     (import "env" "memory" (memory PAGES PAGES [shared]))
//     (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
//     (func (export "add") (param i32) (result i32) (i32.atomic.rmw.add (local.get 0) (i32.const 1))))
//
// `add` is valid only over a shared memory (atomics need one).

import { leb, name, section } from './wasm-code.js';

const WASM_PAGE = 65536;

const code = (body) => [...leb(body.length), ...body];

// Function bodies: no locals, then the instructions, then `end`.
const LOAD = [0x00, 0x20, 0x00, 0x28, 0x02, 0x00, 0x0b]; // local.get 0; i32.load align=4; end
const ADD = [0x00, 0x20, 0x00, 0x41, 0x01, 0xfe, 0x1e, 0x02, 0x00, 0x0b]; // …; i32.const 1; i32.atomic.rmw.add; end

/** The module above, importing a memory of exactly `pages` pages, shared if `shared`. */
export function probeModule(pages, shared) {
  const limits = [shared ? 0x03 : 0x01, ...leb(pages), ...leb(pages)]; // 0x01: has max; 0x02: shared
  const functions = shared ? 2 : 1;
  return new WebAssembly.Module(new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f]), // one type: (i32) -> i32
    ...section(2, [0x01, ...name('env'), ...name('memory'), 0x02, ...limits]),
    ...section(3, [functions, ...Array(functions).fill(0x00)]),
    ...section(7, [functions, ...name('load'), 0x00, 0x00, ...(shared ? [...name('add'), 0x00, 0x01] : [])]),
    ...section(10, [functions, ...code(LOAD), ...(shared ? code(ADD) : [])]),
  ]));
}

/** A memory of `pages` pages with every byte set to 1 (no page is left to fault in while timing). */
export function probeMemory(pages, shared) {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  new Uint8Array(memory.buffer).fill(1);
  return memory;
}

/** The probe module's exports over `memory` (probeMemory's): its size and sharing say which module. */
export function probeInstance(memory) {
  const { buffer } = memory;
  const module = probeModule(buffer.byteLength / WASM_PAGE, buffer instanceof SharedArrayBuffer);
  return new WebAssembly.Instance(module, { env: { memory } }).exports;
}
