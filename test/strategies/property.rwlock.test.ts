// test/property.test.ts again, every map created with strategy 'rwlock' (its newMap reads the variable).
process.env.SHAREMAP_TEST_STRATEGY = 'rwlock';
await import('../property.test.js');
