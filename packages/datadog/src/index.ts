export * from "./datadog-source.js";
export * from "./demo-source.js";
export * from "./cached-source.js";
export * from "./metrics-source-provider.js";
export * from "./redis-token-bucket.js";
export * from "./redis-single-flight.js";
export { alignWindow, cacheKey, ttlFor, type CacheTtls } from "./cache-key.js";
export {
  checkScope,
  scopedLogSearch,
  scopedMetricQuery,
  scopedMonitorSearch,
  scopedTagFilter,
  scopedTagList,
} from "./scope-guard.js";
export { callUpstream, type UpstreamPolicy } from "./upstream-call.js";
export type { SourceLogger } from "./source-logger.js";
