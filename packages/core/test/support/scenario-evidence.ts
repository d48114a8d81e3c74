import type { Evidence, ToolResult } from "../../src/evidence.js";
import type { Intent, Plan, PlanStep } from "../../src/plan.js";
import { parseScenario, type Scenario, type ScenarioInput } from "../../src/scenario/scenario-schema.js";
import {
  autoInterval,
  generateLogs,
  generateSeries,
  scenarioEvents,
  scenarioMonitors,
  scenarioWindow,
} from "../../src/scenario/scenario-generator.js";
import { classifyMetric } from "../../src/metric-catalog.js";
import { SCENARIO_ANCHOR } from "../../src/scenario/scenario-anchor.js";

export { SCENARIO_ANCHOR };

export interface ScenarioEvidence {
  readonly scenario: Scenario;
  readonly evidence: Evidence;
  readonly plan: Plan;
}

/**
 * Evidence for a scenario as the execution phase would gather it: one metrics step per series,
 * plus monitors, events and logs. `fail` names metrics whose step errors instead.
 */
export function scenarioEvidence(
  input: ScenarioInput,
  options: { readonly anchor?: number; readonly intent?: Intent; readonly fail?: readonly string[] } = {},
): ScenarioEvidence {
  const scenario = parseScenario(input);
  const anchor = options.anchor ?? SCENARIO_ANCHOR;
  const window = scenarioWindow(scenario, anchor);
  const windowMs = window.end - window.start;
  const interval = scenario.interval_s ?? autoInterval(windowMs);
  const steps: PlanStep[] = [];
  const results: ToolResult[] = [];
  const metrics = [...new Set(scenario.series.map((s) => s.metric))];
  metrics.forEach((metric, i) => {
    const profile = classifyMetric(metric);
    const id = `m${i + 1}`;
    const query = {
      metric,
      aggregator: profile?.aggregator ?? "avg",
      by: [],
      as_count: profile?.asCount ?? false,
    } as const;
    steps.push({ id, tool: "metrics", query: { ...query, by: [] }, reason: "" });
    if (options.fail?.includes(metric)) {
      results.push({
        step_id: id,
        tool: "metrics",
        status: "error",
        duration_ms: 5,
        upstream_calls: 1,
        error: { code: "upstream_timeout", message: "timeout" },
        subject: metric,
      });
      return;
    }
    const series = scenario.series
      .filter((s) => s.metric === metric)
      .map((s) => ({
        metric,
        query: `${query.aggregator}:${metric}{service:${scenario.service}}`,
        group: s.group,
        points: generateSeries(scenario, s, anchor, window.start, window.end, interval),
        interval_s: interval,
      }));
    results.push({ step_id: id, tool: "metrics", status: "ok", duration_ms: 5, upstream_calls: 1, series });
  });
  steps.push({ id: "mon", tool: "monitors", reason: "" });
  results.push({
    step_id: "mon",
    tool: "monitors",
    status: "ok",
    duration_ms: 2,
    upstream_calls: 1,
    monitors: scenarioMonitors(scenario, anchor),
  });
  steps.push({ id: "ev", tool: "events", reason: "" });
  results.push({
    step_id: "ev",
    tool: "events",
    status: "ok",
    duration_ms: 2,
    upstream_calls: 1,
    events: scenarioEvents(scenario, anchor, window.start, window.end),
  });
  if (scenario.logs) {
    steps.push({ id: "logs", tool: "logs", filter: "status:error", reason: "" });
    const bucket = Math.max(60_000, interval * 1000);
    results.push({
      step_id: "logs",
      tool: "logs",
      status: "ok",
      duration_ms: 2,
      upstream_calls: 1,
      logs: generateLogs(scenario, anchor, window.start, window.end, bucket),
    });
  }
  const plan: Plan = {
    intent: options.intent ?? "health",
    window,
    steps,
    rationale: "scenario",
    source: "offline",
  };
  return { scenario, evidence: { window, results, data_source: "demo" }, plan };
}
