// Test 3, racing getOrInsert / getOrInsertComputed: every thread proposes its own value,
// index * 1e6 + key (or "t<index>:<key>" for string maps), for the same keys in the same order,
// so the threads collide on each key while the table grows under them (it starts at one bucket).
// Returns, per key, the value each call returned, so the test can check that every thread got
// the same winner. 'computed' also counts the calls of the compute callback.
export const proposal = (kind, index, key) => (kind === 'string' ? `t${index}:${key}` : index * 1e6 + key);

export default function getOrInsert(map, { index, args }) {
  const { kind, keys, mode } = args;
  const got = kind === 'string' ? new Array(keys) : new Float64Array(keys);
  let computeCalls = 0;
  const compute = (key) => {
    computeCalls++;
    return proposal(kind, index, kind === 'string' ? Number(key.slice(2)) : key);
  };
  for (let key = 0; key < keys; key++) {
    const mapKey = kind === 'string' ? `k-${key}` : key;
    got[key] = mode === 'computed'
      ? map.getOrInsertComputed(mapKey, compute)
      : map.getOrInsert(mapKey, proposal(kind, index, key));
  }
  return { got, computeCalls };
}
