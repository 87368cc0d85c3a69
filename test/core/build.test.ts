import { readFileSync } from 'node:fs';
import binaryen from 'binaryen';
import { describe, expect, it } from 'vitest';

// The release build as users get it. Binaryen's avoid-reinterprets pass, which asc runs from -O2
// up, replaces a load whose word is reinterpreted with a plain load of the other type, atomic or
// not (binaryen is assemblyscript's own dependency; its version 131 does this). In the lean reads
// (assembly/fast64.ts lean) that made the value word's load plain: R4–R6 in assembly/README.md
// are a seqlock, and on ARM a plain load may be satisfied after R6's version load, which then
// vouches for a word it did not cover.
describe('build/sharemap.wasm', () => {
  it("keeps the lean reads' loads of the slot atomic: tophash, key and value", () => {
    const module = binaryen.readBinary(readFileSync(new URL('../../build/sharemap.wasm', import.meta.url)));
    try {
      for (const name of ['getValueNumber', 'getValueInt32', 'hasNumber', 'hasInt32']) {
        const internal = binaryen.getExportInfo(module.getExport(name)).value;
        const body = binaryen.emitText(binaryen.getFunctionInfo(module.getFunction(internal)).body);
        // The one plain load there is the table's mask (table.ts): a table never changes it.
        expect(body.match(/\((f64|i64)\.load\b/g) ?? [], name).toEqual([]);
        expect(body.match(/\(i64\.atomic\.load\b/g)?.length, name).toBe(3);
      }
    } finally {
      module.dispose();
    }
  });
});
