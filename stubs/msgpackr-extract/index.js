// msgpackr loads its native accelerator in a try/catch and falls back to pure JavaScript when it
// throws (msgpackr/node-index.js). This stub always throws, so every thread decodes through the
// same JavaScript path in Node and in browsers. README.md beside this file says why it exists.
throw new Error('msgpackr-extract is stubbed out in sharemap (stubs/msgpackr-extract/README.md)');
