// The multi-worker stress suites of test/concurrency/ again, every map on strategy 'rwlock'.
import { stressSuites } from './stress-suites.js';

await stressSuites('rwlock');
