// Never returns: counts in a shared word as fast as it can, so the page can see whether this
// worker still runs after runWorkers has settled (it must not: every worker is terminated).
export default function spinCount(_map, { args }) {
  for (;;) Atomics.add(args.counter, 0, 1);
}
