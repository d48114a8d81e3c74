import {
  autoInterval,
  demoScenarioFor,
  generateLogs,
  scenarioEvents,
  scenarioMetricNames,
  scenarioMetricTags,
  scenarioMonitors,
  type EventInfo,
  type LogSummary,
  type MetricMetadata,
  type MetricQuery,
  type MetricsSource,
  type MonitorInfo,
  type MonitorList,
  type Scenario,
  type Series,
  type ServiceScope,
  type SourceRead,
  type TimeWindow,
} from "@orch/core";
import { abortError, nextWholeMinute, NotFound } from "@orch/core";
import { makeSeries } from "./make-series.js";
import { scenarioQuery } from "./scenario-query.js";
import {
  checkScope,
  scopedLogSearch,
  scopedMetricName,
  scopedMetricQuery,
  scopedTagList,
} from "./scope-guard.js";

export interface DemoSourceOptions {
  /** The scenario of a service; default the built-in demo scenarios. */
  readonly scenarios?: (serviceId: string) => Scenario;
  /** The scenario's anchor (its "now") for a read at `now`; default `now` rounded up to the minute. */
  readonly anchor?: (now: number) => number;
  readonly now?: () => number;
  readonly maxMetricsPerRequest?: number;
}

/** Datadog's API takes seconds; the demo reads the same whole-second window. */
const wholeSeconds = (window: TimeWindow) => ({
  start: Math.floor(window.start / 1000) * 1000,
  end: Math.floor(window.end / 1000) * 1000,
});

/** A scenario's monitors as Datadog reports them: in their state since they last triggered, unless the scenario says when. */
function reportedMonitors(scenario: Scenario, anchor: number): MonitorInfo[] {
  return scenarioMonitors(scenario, anchor).map((m) => {
    const since = m.state_since ?? m.last_triggered;
    return since !== undefined ? { ...m, state_since: since } : m;
  });
}

/** Runs a synchronous read as a promise, so that guard failures reject rather than throw. */
function serve<T>(produce: () => T): Promise<SourceRead<T>> {
  try {
    return Promise.resolve({ value: produce(), upstream_calls: 0 });
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * Deterministic synthetic data from the scenario generator, for any service, under the same
 * scope rules as Datadog: it serves only the service in scope, and only through checked queries.
 */
export class DemoSource implements MetricsSource {
  readonly id = "demo";
  private readonly scenarios: (serviceId: string) => Scenario;
  private readonly anchorOf: (now: number) => number;
  private readonly now: () => number;
  private readonly maxSeries: number;

  constructor(options: DemoSourceOptions = {}) {
    this.scenarios = options.scenarios ?? demoScenarioFor;
    this.anchorOf = options.anchor ?? nextWholeMinute;
    this.now = options.now ?? Date.now;
    this.maxSeries = options.maxMetricsPerRequest ?? 100;
  }

  private scenario(scope: ServiceScope, signal: AbortSignal): { scenario: Scenario; anchor: number } {
    if (signal.aborted) throw abortError(signal);
    checkScope(scope);
    return { scenario: this.scenarios(scope.service_id), anchor: this.anchorOf(this.now()) };
  }

  discoverMetrics(
    scope: ServiceScope,
    _window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly string[]>> {
    return serve(() => {
      scopedTagList(scope);
      return scenarioMetricNames(this.scenario(scope, signal).scenario);
    });
  }

  queryMetrics(
    query: MetricQuery,
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly Series[]>> {
    return serve(() => {
      const text = scopedMetricQuery(query, scope);
      const { scenario, anchor } = this.scenario(scope, signal);
      const { start, end } = wholeSeconds(window);
      return scenarioQuery(scenario, query, anchor, start, end)
        .slice(0, this.maxSeries)
        .map((s) => makeSeries(query.metric, text, s.group, s.points, s.interval_s, s.unit));
    });
  }

  /** The metadata the scenario gives the metric (metric_type, unit, per_unit); null when it gives none. */
  metricMetadata(
    metric: string,
    scope: ServiceScope,
    signal: AbortSignal,
  ): Promise<SourceRead<MetricMetadata | null>> {
    return serve(() => {
      const name = scopedMetricName(metric, scope);
      const { scenario } = this.scenario(scope, signal);
      const series = scenario.series.find((s) => s.metric === name && s.metric_type !== undefined);
      if (!series) return null;
      return {
        ...(series.metric_type ? { type: series.metric_type } : {}),
        ...(series.unit ? { unit: series.unit } : {}),
        ...(series.per_unit ? { per_unit: series.per_unit } : {}),
      };
    });
  }

  metricTags(
    metric: string,
    scope: ServiceScope,
    _window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly string[]>> {
    return serve(() => {
      const name = scopedMetricName(metric, scope);
      const { scenario } = this.scenario(scope, signal);
      return scenarioMetricTags(scenario, name);
    });
  }

  monitors(scope: ServiceScope, signal: AbortSignal): Promise<SourceRead<MonitorList>> {
    return serve(() => {
      scopedTagList(scope);
      const { scenario, anchor } = this.scenario(scope, signal);
      return { monitors: reportedMonitors(scenario, anchor), excluded: [] };
    });
  }

  monitor(id: number, scope: ServiceScope, signal: AbortSignal): Promise<SourceRead<MonitorInfo>> {
    return serve(() => {
      scopedTagList(scope);
      const { scenario, anchor } = this.scenario(scope, signal);
      const monitors = reportedMonitors(scenario, anchor);
      const found = monitors.find((m) => m.id === id);
      if (!found) {
        const known = monitors.map((m) => m.id).join(", ") || "none";
        throw new NotFound(
          `the demo data has no monitor ${id} for ${scope.service_id} (its monitors: ${known})`,
        );
      }
      return found;
    });
  }

  events(
    scope: ServiceScope,
    window: TimeWindow,
    signal: AbortSignal,
  ): Promise<SourceRead<readonly EventInfo[]>> {
    return serve(() => {
      scopedTagList(scope);
      const { scenario, anchor } = this.scenario(scope, signal);
      const { start, end } = wholeSeconds(window);
      return scenarioEvents(scenario, anchor, start, end).sort((a, b) => a.time - b.time);
    });
  }

  logs(
    scope: ServiceScope,
    window: TimeWindow,
    filter: string,
    signal: AbortSignal,
  ): Promise<SourceRead<LogSummary>> {
    return serve(() => {
      scopedLogSearch(scope, filter);
      const { scenario, anchor } = this.scenario(scope, signal);
      const { start, end } = wholeSeconds(window);
      return generateLogs(scenario, anchor, start, end, autoInterval(end - start) * 1000);
    });
  }
}
