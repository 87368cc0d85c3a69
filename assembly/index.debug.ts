// The debug target's entry (asconfig.json "debug"): everything index.ts exports, plus the
// test-only exports of debug.ts (like Go's export_test.go). Never shipped to users.
export * from "./index";
export {
  checkInvariants, classOfSize, sizeOfClass, hashOfBits, matchTophashMask, forceGrowth, debugReadLock,
  debugReadUnlock, debugRwState, debugSwapShardTables,
} from "./debug";
export { setReadStall, setMissStall, setWriteStall, setPublishStall, setLinkStall } from "./hooks";
