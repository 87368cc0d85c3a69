// The multi-worker stress suites of test/concurrency/ again, every map on strategy 'sharded'.
import { stressSuites } from './stress-suites.js';

await stressSuites('sharded');
