import { classifyMetric, questionKinds } from "@orch/core";

/** Metric names listed in the planning prompt at most. */
export const METRIC_MENU_LIMIT = 200;

export interface MetricMenu {
  /** One metric a line: "- trace.http.request.errors (errors)". */
  readonly text: string;
  /** "42 metrics" or "the 200 most relevant of 1234". */
  readonly summary: string;
}

/**
 * The discovered metric names for the planning prompt, bounded: the kinds the question names
 * first, then recognised metrics by how much the planner prefers them, then the rest.
 */
export function metricMenu(
  available: readonly string[],
  question: string,
  limit = METRIC_MENU_LIMIT,
): MetricMenu {
  const names = [...new Set(available)];
  if (names.length === 0) {
    return {
      text: "(none discovered: use standard Datadog names such as trace.http.request.errors, trace.http.request.hits, system.cpu.user, system.mem.pct_usable)",
      summary: "discovery found none",
    };
  }
  const wanted = questionKinds(question);
  const ranked = names
    .map((name, index) => {
      const profile = classifyMetric(name);
      const score = profile ? (wanted.has(profile.kind) ? 100 : 50) + profile.preference : 0;
      return { name, kind: profile?.kind, score, index };
    })
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit);
  const text = ranked.map((m) => (m.kind ? `- ${m.name} (${m.kind})` : `- ${m.name}`)).join("\n");
  const summary =
    names.length > limit ? `the ${limit} most relevant of ${names.length}` : `${names.length} metrics`;
  return { text, summary };
}
