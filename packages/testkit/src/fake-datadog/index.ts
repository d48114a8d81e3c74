export * from "./fake-datadog.js";
export type { FakeDatadogFault } from "./fake-fault.js";
export { parseMetricQuery, type ParsedMetricQuery } from "./metric-query.js";
