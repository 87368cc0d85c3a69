// test/map.test.ts again, every map created with strategy 'read-mostly' (its newMap reads the variable).
process.env.SHAREMAP_TEST_STRATEGY = 'read-mostly';
await import('../map.test.js');
