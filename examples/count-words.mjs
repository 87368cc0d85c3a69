// Runs in a worker: attach to the map made on the main thread and count into it directly.
import { workerData } from 'node:worker_threads';
import { ConcurrentMap } from 'sharemap';

const counts = ConcurrentMap.attach(workerData.handle);
for (const word of workerData.text.split(' ')) counts.add(word, 1); // atomic, no lost updates
counts.close();
