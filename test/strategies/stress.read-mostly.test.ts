// The multi-worker stress suites of test/concurrency/ again, every map on strategy 'read-mostly'.
import { stressSuites } from './stress-suites.js';

await stressSuites('read-mostly');
