// A task for runWorkers: every thread offers every id; getOrInsert lets exactly one win each.
export default function claim(seen, { index, args }) {
  let won = 0;
  for (let id = 0; id < args.ids; id++) {
    if (seen.getOrInsert(id, index) === index) won++;
  }
  return won;
}
