import type { Scenario } from "./scenario-schema.js";

/**
 * The tags a scenario's metric has, as Datadog's all-tags endpoint lists them: the service's
 * own (service, env) and every group tag of its series, sorted. The demo source and the fake
 * Datadog both answer by this rule; empty when the scenario has no such metric.
 */
export function scenarioMetricTags(scenario: Scenario, metric: string): string[] {
  const series = scenario.series.filter((s) => s.metric === metric);
  if (series.length === 0) return [];
  const tags = new Set<string>([`service:${scenario.service}`]);
  if (scenario.env) tags.add(`env:${scenario.env.toLowerCase()}`);
  for (const s of series) for (const g of s.group) tags.add(g);
  return [...tags].sort();
}
