// README, Strategies: strategy 'owned' throws on a write during another thread's iteration.
import { ConcurrentMap, ConcurrentMapMisuseError } from 'sharemap';

const map = await ConcurrentMap.create({ key: 'string', value: 'number', strategy: 'owned' });
map.set('a', 1);
const other = ConcurrentMap.attach(map.handle); // another thread of the map, here on the same JS thread
const iteration = map.entries();
iteration.next();                                // map's thread is iterating
try {
  other.set('b', 2);
} catch (error) {
  console.log(error instanceof ConcurrentMapMisuseError, error.code); // true WRITE_DURING_ITERATION
}
iteration.return();
other.set('b', 2);                               // fine now
console.log(map.size);                           // 2
