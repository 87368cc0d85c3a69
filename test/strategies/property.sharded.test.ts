// test/property.test.ts again, every map created with strategy 'sharded' (its newMap reads the variable).
process.env.SHAREMAP_TEST_STRATEGY = 'sharded';
await import('../property.test.js');
