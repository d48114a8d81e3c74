import type { Answer } from "./answer.js";
import type { AnalysisResult } from "./analysis-result.js";
import type {
  CacheStatus,
  EventInfo,
  Evidence,
  LogSummary,
  MetricMetadata,
  MonitorInfo,
  MonitorList,
  Series,
} from "./evidence.js";
import type { DrillOption } from "./drilldown/drill-down.js";
import type { Finding } from "./finding.js";
import type { StepDraft } from "./job.js";
import type { MetricQuery, Plan } from "./plan.js";
import type { ServiceScope } from "./service-scope.js";
import type { TimeWindow } from "./time-window.js";

/** A read from a data source, with whether it came from a cache and how many upstream calls it took. */
export interface SourceRead<T> {
  readonly value: T;
  readonly cache?: CacheStatus;
  readonly upstream_calls: number;
}

/**
 * Where metrics, monitors, events and logs come from (Datadog, the demo source, a cache in
 * front of either). Every method reads only within `scope`; implementations enforce it.
 */
export interface MetricsSource {
  /** "demo", or "datadog:<site>". */
  readonly id: string;
  /**
   * Metric reads started together leave as one upstream request: execution then starts every
   * metric step of a plan at once, outside its concurrency bound.
   */
  readonly batchesMetricQueries?: boolean;
  /** Metric names the service reports in the window. */
  discoverMetrics(
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly string[]>>;
  queryMetrics(
    query: MetricQuery,
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly Series[]>>;
  /**
   * What the source's metadata says of a metric (Datadog: GET /api/v1/metrics/{metric_name}):
   * its type, unit and per-unit; null when it has none. Metadata belongs to the organisation,
   * not the service; `scope` only says whose read it is.
   */
  metricMetadata(
    metric: string,
    scope: ServiceScope,
    signal: AbortSignal,
  ): Promise<SourceRead<MetricMetadata | null>>;
  /**
   * The tags a metric really has within the scope, as `key:value` (Datadog: GET
   * /api/v2/metrics/{metric_name}/all-tags filtered by the scope's tags): the breakdowns a
   * grouped read can use. Empty when it has none beyond the scope's own.
   */
  metricTags(
    metric: string,
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly string[]>>;
  /** The service's monitors, found by their tags and by their query, and those left out. */
  monitors(scope: ServiceScope, signal: AbortSignal): Promise<SourceRead<MonitorList>>;
  /**
   * One monitor by id, with its state. Rejects with NotFound when there is none, and with
   * ScopeViolation when it belongs to another service (its tags or its query say so).
   */
  monitor(id: number, scope: ServiceScope, signal: AbortSignal): Promise<SourceRead<MonitorInfo>>;
  events(
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly EventInfo[]>>;
  logs(
    scope: ServiceScope,
    window: TimeWindow,
    filter: string,
    signal: AbortSignal,
  ): Promise<SourceRead<LogSummary>>;
}

/** One message of a session's conversation. */
export interface ConversationMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
  readonly job_id?: string;
  readonly at?: string;
}

export interface PlanInput {
  readonly question: string;
  readonly scope: ServiceScope;
  readonly window: TimeWindow;
  readonly history: readonly ConversationMessage[];
  /** Metric names discovered for the service; empty when discovery failed. */
  readonly available_metrics: readonly string[];
  readonly max_steps: number;
  /** When the job must be done (epoch ms): a reasoner on a slow model falls back before it. */
  readonly deadline_ms?: number;
}

export interface AnswerInput {
  readonly question: string;
  readonly scope: ServiceScope;
  readonly plan: Plan;
  readonly evidence: Evidence;
  readonly analysis: AnalysisResult;
  readonly history: readonly ConversationMessage[];
  /** When the job must be done (epoch ms): a reasoner on a slow model falls back before it. */
  readonly deadline_ms?: number;
}

/** A reasoner's output and the trace steps (LLM calls, fallbacks) it took to produce it. */
export interface Reasoned<T> {
  readonly value: T;
  readonly steps: readonly StepDraft[];
}

/** What a reasoner picks drill-downs from: the real tags of the metrics behind the findings. */
export interface DrillMenuInput {
  readonly question: string;
  readonly scope: ServiceScope;
  /** The breakdowns the metrics' tags allow; only these may be picked. */
  readonly menu: readonly DrillOption[];
  /** Picks allowed at most. */
  readonly limit: number;
  /** The findings the drill-down would place, strongest first. */
  readonly findings: readonly Finding[];
  readonly deadline_ms?: number;
}

/** Plans the reads for a question and writes the answer from the analysed evidence. */
export interface Reasoner {
  /** "offline" or "openai:<model>". */
  readonly id: string;
  plan(input: PlanInput, signal: AbortSignal): Promise<Reasoned<Plan>>;
  answer(input: AnswerInput, signal: AbortSignal): Promise<Reasoned<Answer>>;
  /**
   * Picks grouped reads from the menu (a model); absent: the rules pick. `undefined` when it
   * could not: the rules pick then, and the trace says why. The system validates every pick.
   */
  pickDrillDowns?(
    input: DrillMenuInput,
    signal: AbortSignal,
  ): Promise<Reasoned<readonly DrillOption[] | undefined>>;
}
