// What other packages use; everything else in core stays internal.
export { parseUnit, type Unit, type UnitFamily } from "./units/unit.js";
export {
  AppError,
  Cancelled,
  Conflict,
  DeadlineExceeded,
  InvalidRequest,
  NotFound,
  ScopeViolation,
  UpstreamError,
  describeError,
  type ErrorCode,
} from "./errors.js";
export { abortError, sleep, untilAborted } from "./abort-signal.js";
export { retryDelayMs } from "./retry-delay.js";
export { parseDuration, parseTimeframe, parseWindowDuration, type TimeWindow } from "./time-window.js";
export {
  SERVICE_ID_PATTERN,
  assertFilterInScope,
  assertMetricQueryInScope,
  assertSearchQueryInScope,
  scopeFilter,
  serviceScope,
  type ServiceScope,
} from "./service-scope.js";
export {
  classifyMetric,
  isLimitMetric,
  limitMetricOf,
  shareUnitOf,
  type MetricProfile,
} from "./metric-catalog.js";
export type { Aggregator, SignalKind } from "./signal-kind.js";
export {
  INTENTS,
  METRIC_NAME,
  PERCENTILE_AGGREGATORS,
  SHIFT_MS,
  metricQuerySchema,
  planStepSchema,
  renderMetricQuery,
  type Intent,
  type MetricQuery,
  type Plan,
  type PlanStep,
} from "./plan.js";
export type {
  CacheStatus,
  EventInfo,
  Evidence,
  LogSummary,
  MetricMetadata,
  MonitorExclusion,
  MonitorInfo,
  MonitorList,
  Series,
  SourceUnit,
  ToolResult,
} from "./evidence.js";
export { FINDING_CATEGORIES, type Finding, type FindingCategory, type Severity } from "./finding.js";
export {
  EMPTY_USAGE,
  PHASES,
  RUNNING_STATUS,
  addUsage,
  isTerminal,
  nextPhase,
  usageOfSteps,
  type JobError,
  type JobRequest,
  type JobStatus,
  type Phase,
  type StepDraft,
  type TraceStep,
  type Usage,
} from "./job.js";
export type { Answer, JobResult } from "./answer.js";
export type { AnalysisResult } from "./analysis-result.js";
export type {
  AnswerInput,
  ConversationMessage,
  MetricsSource,
  PlanInput,
  DrillMenuInput,
  Reasoned,
  Reasoner,
  SourceRead,
} from "./ports.js";
export {
  PERCENTILES,
  parseScenario,
  scenarioJsonSchema,
  type ExpectedAnswer,
  type Scenario,
  type ScenarioInput,
  type ScenarioSeries,
} from "./scenario/scenario-schema.js";
export {
  autoInterval,
  generateLogs,
  generateSeries,
  scenarioEvents,
  scenarioMetricNames,
  scenarioMonitors,
} from "./scenario/scenario-generator.js";
export { offsetMs } from "./scenario/scenario-offset.js";
export { isRateSeries, seriesForQuery } from "./scenario/series-for-query.js";
export { DEMO_SCENARIOS, demoScenarioFor } from "./scenario/demo-scenarios.js";
export { renderQuestion } from "./scenario/scenario-question.js";
export { regexOf, textMatches } from "./scenario/text-matcher.js";
export { CONVERSATION_HOLD_MS, conversationAnchor, nextWholeMinute } from "./scenario/conversation-anchor.js";
export { classifyIntent, mentionedKinds } from "./planner/classify-question.js";
export { INTENT_KINDS, planOffline } from "./planner/plan-offline.js";
export { logCountSeries } from "./analysis/logs.js";
export { questionKinds, rankSeries, seriesLabel } from "./context/series-relevance.js";
export type { TokenCounter } from "./context/token-budget.js";
export { formatContext } from "./context/format-context.js";
export { lttb } from "./context/lttb.js";
export { composeOfflineAnswer } from "./answer/compose-offline-answer.js";
export { directAnswer, type DirectAnswer } from "./answer/direct-answer.js";
export { groundedConfidence } from "./answer/grounded-confidence.js";
export type { StepSink } from "./phases/step-clock.js";
export {
  planQuestion,
  type PhaseDeps,
  type PlanOutcome,
  type PlanQuestionInput,
} from "./phases/plan-question.js";
export { executePlan, type ExecuteDeps, type ExecuteOutcome } from "./phases/execute-plan.js";
export {
  reviewEvidence,
  synthesizeAnswer,
  type DrillAllowance,
  type DrillOutcome,
  type SynthesizeDeps,
  type SynthesizeInput,
  type SynthesizeOutcome,
} from "./phases/synthesize-answer.js";
export {
  ROUND_LIMIT,
  roundPhaseKey,
  type DrillDownPlan,
  type DrillFindings,
  type DrillOption,
  type DrillRound,
  type DrillTarget,
} from "./drilldown/drill-down.js";
export { localise, MAX_GROUPS, type GroupShare, type Localisation } from "./analysis/localise.js";
export { formatDrillContext, type DrillContext } from "./context/drill-context.js";
export { directAnswerWithWhere, whereLines, type WhereLines } from "./answer/where-lines.js";
export { scenarioMetricTags } from "./scenario/scenario-tags.js";
export { needsMetadata } from "./phases/needs-metadata.js";
export {
  integrationMetric,
  integrationMetrics,
  type IntegrationMetric,
} from "./catalog/integration-catalog.js";
export { alertQuestion, alertWindow, type AlertRef } from "./monitor/alert-ref.js";
export { monitorIdInQuestion, monitorWindow, planWithMonitor } from "./monitor/monitor-focus.js";
export { SCENARIO_ANCHOR } from "./scenario/scenario-anchor.js";
