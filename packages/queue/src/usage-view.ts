import type { AlertRef, Usage } from "@orch/core";

/** A job's usage as clients see it: the counters, and the model spend in dollars when it is known. */
export type UsageView = Omit<Usage, "cost_nano_usd" | "unpriced_llm_calls"> & {
  /** Null when a model call had no price in llm.prices: a cost is not guessed. */
  readonly cost_usd: number | null;
  readonly cost_note?: string;
};

export function usageView(usage: Usage, reasoner: string | undefined): UsageView {
  const { cost_nano_usd, unpriced_llm_calls, ...counters } = usage;
  if (unpriced_llm_calls > 0) {
    const model = reasoner?.startsWith("openai:")
      ? reasoner.slice("openai:".length)
      : (reasoner ?? "the model");
    return {
      ...counters,
      cost_usd: null,
      cost_note: `llm.prices has no price for ${model}: ${unpriced_llm_calls} model call(s) are not priced, so the cost is unknown`,
    };
  }
  return { ...counters, cost_usd: Math.round(cost_nano_usd) / 1e9 };
}

/** The alert that started a job, as clients see it: times as ISO strings, and its recovery. */
export type AlertView = Omit<AlertRef, "triggered_at" | "event_id" | "link"> & {
  readonly triggered_at: string;
  readonly link: string | null;
  readonly recovered_at: string | null;
};

export function alertView(alert: AlertRef | undefined, recoveredAt: string | undefined): AlertView | null {
  if (!alert) return null;
  return {
    source: alert.source,
    integration: alert.integration,
    monitor_id: alert.monitor_id,
    transition: alert.transition,
    title: alert.title,
    scope: alert.scope,
    triggered_at: new Date(alert.triggered_at).toISOString(),
    link: alert.link ?? null,
    recovered_at: recoveredAt ?? null,
  };
}
