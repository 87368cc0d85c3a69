// test/property.test.ts again, every map created with strategy 'owned' (its newMap reads the variable).
process.env.SHAREMAP_TEST_STRATEGY = 'owned';
await import('../property.test.js');
