// test/map.test.ts again, every map created with strategy 'rwlock' (its newMap reads the variable).
process.env.SHAREMAP_TEST_STRATEGY = 'rwlock';
await import('../map.test.js');
