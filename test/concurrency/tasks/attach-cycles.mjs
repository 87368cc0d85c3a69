// Test 10, attach/close cycles: each thread attaches the map again `cycles` times (a new thread
// slot each time, on top of the one runWorkers attached), does a few operations through it and
// closes it. A closed attachment must refuse use (CLOSED). Returns how many increments each
// thread made to the shared counter key and the keys it set, for exact end-state checks.
import { ConcurrentMap } from 'sharemap';

export default function attachCycles(map, { index, args }) {
  const { cycles, opsPerCycle } = args;
  let adds = 0;
  let closedRefused = 0;
  for (let c = 0; c < cycles; c++) {
    const again = ConcurrentMap.attach(map.handle);
    for (let i = 0; i < opsPerCycle; i++) {
      again.add(-1, 1);
      adds++;
      const key = index * 1e6 + c * opsPerCycle + i;
      again.set(key, key);
      if (again.get(key) !== key) throw new Error(`key ${key} not readable through the attachment that set it`);
    }
    again.close();
    again.close(); // harmless
    try {
      again.get(-1);
    } catch (error) {
      if (error.code === 'CLOSED') closedRefused++;
    }
  }
  return { adds, closedRefused };
}
