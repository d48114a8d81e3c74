// Analysis: statistics, anomaly detection, findings and correlation.
export { analyzeEvidence } from "./analyze-evidence.js";
export { seriesStats, seriesIntervalMs } from "./series-stats.js";
export { scenarioEvidence, SCENARIO_ANCHOR, type ScenarioEvidence } from "./scenario-evidence.js";
export {
  formatValue,
  formatPct,
  formatDuration,
  formatChange,
  formatPoints,
  formatRate,
  isShareUnit,
} from "./format-value.js";
export { monitorCategory, monitorExclusionText } from "./monitors.js";
export { logCountSeries } from "./logs.js";
