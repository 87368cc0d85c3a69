// Quick start: one map, two worker threads counting words into it, the main thread reading.
import { Worker } from 'node:worker_threads';
import { ConcurrentMap } from 'sharemap';

const counts = await ConcurrentMap.create({ key: 'string', value: 'number' });

const texts = ['the cat sat on the mat', 'the dog sat on the log'];
const workers = texts.map((text) =>
  new Worker(new URL('./count-words.mjs', import.meta.url), { workerData: { handle: counts.handle, text } }));
await Promise.all(workers.map((worker) => new Promise((resolve, reject) => {
  worker.on('error', reject);
  worker.on('exit', resolve);
})));

console.log('the:', counts.get('the')); // the: 4
console.log('sat:', counts.get('sat')); // sat: 2
console.log('distinct words:', counts.size); // distinct words: 7
