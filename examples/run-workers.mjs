// The same with runWorkers: it starts the workers together, attaches the map in each, collects
// their results and terminates them all, whatever happens.
import { ConcurrentMap, runWorkers } from 'sharemap';

const seen = await ConcurrentMap.create({ key: 'number', value: 'int32' });
const results = await runWorkers({
  task: new URL('./dedup-task.mjs', import.meta.url),
  threads: 2,
  map: seen,
  args: { ids: 10_000 },
});
console.log('first to claim, per thread:', results.reduce((a, b) => a + b)); // 10000
console.log('distinct ids:', seen.size); // distinct ids: 10000
