// Runs in a Web Worker: reads every tricky string key the page wrote, then writes its own, so
// both directions of the codec cross threads. Returns the strings this worker read wrong.
import { describeString, trickyStrings } from '../fixtures/strings.mjs';

export const pageValue = (s) => `page:${s}`;
export const workerKey = (index, s) => `w${index}|${s}`;

export default function strings(map, { index }) {
  const wrong = [];
  for (const s of trickyStrings()) {
    if (map.get(s) !== pageValue(s)) wrong.push(describeString(s));
    map.set(workerKey(index, s), s);
  }
  return wrong;
}
