// Context formatter: a compact, token-budgeted view of the evidence for a model.
export * from "./format-context.js";
export * from "./lttb.js";
export * from "./compact-number.js";
export * from "./relative-time.js";
export { rankSeries, questionKinds, seriesLabel, type RankedSeries } from "./series-relevance.js";
export type { TokenCounter } from "./token-budget.js";
