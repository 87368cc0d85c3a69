// The multi-worker stress suites of test/concurrency/, to run again on another strategy:
// test/strategies/stress.<strategy>.test.ts each call stressSuites once, so that a new suite is
// added here for every strategy at once. The suites create their maps with harness.ts debugMap,
// which reads SHAREMAP_TEST_STRATEGY. 'owned' allows one writer at a time by design, so its
// stress tests are test/concurrency/owned-handoff.test.ts and owned-misuse.test.ts instead.
export async function stressSuites(strategy: 'rwlock' | 'sharded' | 'read-mostly'): Promise<void> {
  process.env.SHAREMAP_TEST_STRATEGY = strategy;
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
}
