import type { MonitorInfo } from "../evidence.js";
import type { MetricQuery, Plan, PlanStep } from "../plan.js";
import { metricQuerySchema } from "../plan.js";
import { describeWindow, type TimeWindow } from "../time-window.js";

/** "monitor 12345", "monitor #12345", "monitor id 12345" in a question: the monitor it is about. */
export function monitorIdInQuestion(question: string): number | undefined {
  const match = /\bmonitors?\s*(?:#|id\s*:?\s*|no\.?\s*)?(\d{1,15})\b/i.exec(question);
  const id = match ? Number(match[1]) : undefined;
  return id !== undefined && id > 0 ? id : undefined;
}

const AGGREGATORS = new Set(["avg", "sum", "max", "min"]);

/**
 * The metric read a monitor's query makes: `avg(last_5m):avg:trace.http.request.errors{service:x}
 * by {host} > 5` reads trace.http.request.errors, averaged. Only the metric and the aggregation are
 * taken; the scope is always the job's own. Undefined for queries that are not metric queries.
 */
export function monitorMetricQuery(query: string): MetricQuery | undefined {
  const match = /(?:^|[(:\s,])(avg|sum|max|min):([a-zA-Z][a-zA-Z0-9_.]{1,199})\s*\{/.exec(query);
  if (!match?.[1] || !match[2] || !AGGREGATORS.has(match[1])) return undefined;
  const parsed = metricQuerySchema.safeParse({
    metric: match[2],
    aggregator: match[1],
    by: [],
    as_count: /\.as_count\(\)/.test(query),
  });
  return parsed.success ? parsed.data : undefined;
}

/**
 * A plan that investigates the monitor: its query's metric is read first (moved up if the plan
 * had it, else added at the cost of the last metric read), and its state is read with the monitors.
 */
export function planWithMonitor(plan: Plan, monitor: MonitorInfo, maxSteps: number): Plan {
  const query = monitor.query !== undefined ? monitorMetricQuery(monitor.query) : undefined;
  let steps: PlanStep[] = [...plan.steps];
  if (query) {
    const same = steps.find((s) => s.tool === "metrics" && s.query.metric === query.metric);
    steps = steps.filter((s) => s !== same);
    const first: PlanStep = same ?? {
      id: "monitor-metric",
      tool: "metrics",
      query,
      reason: `the metric monitor ${monitor.id} alerts on`,
    };
    steps.unshift(first);
    while (steps.length > maxSteps) {
      const lastMetric = steps.findLastIndex((s, i) => i > 0 && s.tool === "metrics");
      steps.splice(lastMetric > 0 ? lastMetric : steps.length - 1, 1);
    }
  }
  if (!steps.some((s) => s.tool === "monitors") && steps.length < maxSteps) {
    steps.push({ id: "monitors", tool: "monitors", reason: "the monitor's state and its neighbours'" });
  }
  const reads = query ? `reading its metric ${query.metric} first` : "its query names no metric to read";
  return {
    ...plan,
    steps,
    rationale: `Investigating monitor ${monitor.id} "${monitor.name}" (${monitor.state}): ${reads}. ${plan.rationale}`,
  };
}

/**
 * The window a monitor question needs when it named none: from an hour before the monitor's last
 * state change to now, when that change is older than the default window shows (at most 7 days).
 */
export function monitorWindow(monitor: MonitorInfo, window: TimeWindow): TimeWindow {
  const changed = monitor.last_triggered;
  if (window.explicit || changed === undefined || monitor.state === "OK") return window;
  const start = changed - 3_600_000;
  if (start >= window.start || window.end - start > 7 * 86_400_000) return window;
  return {
    start,
    end: window.end,
    label: `${describeWindow(window.end - start)} (from an hour before monitor ${monitor.id} entered ${monitor.state})`,
    explicit: false,
  };
}
