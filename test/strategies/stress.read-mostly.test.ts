// The multi-worker stress suites of test/concurrency/ again, every map on strategy 'read-mostly'
// (harness.ts debugMap reads the variable).
process.env.SHAREMAP_TEST_STRATEGY = 'read-mostly';
await import('../concurrency/attach-close.test.js');
await import('../concurrency/clear.test.js');
await import('../concurrency/counters.test.js');
await import('../concurrency/disjoint-inserts.test.js');
await import('../concurrency/get-or-insert.test.js');
await import('../concurrency/growth-mixed.test.js');
await import('../concurrency/iteration.test.js');
await import('../concurrency/lock-stress.test.js');
await import('../concurrency/reclamation.test.js');
await import('../concurrency/value-integrity.test.js');
