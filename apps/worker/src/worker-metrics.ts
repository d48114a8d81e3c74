import { Counter, Histogram, type Metric, type Registry } from "prom-client";
import type { JobEnd } from "@orch/queue";
import { countJobEnds, sharedMetric } from "@orch/runtime";
import type { PhaseObservation } from "./phase-runner.js";

const PHASE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

/**
 * The workers' metrics, all derived from what a phase run returns: its duration and outcome, and
 * its steps (LLM calls with tokens, Datadog reads with their cache status) and usage.
 */
export class WorkerMetrics {
  private readonly phaseSeconds: Histogram<"phase" | "outcome">;
  private readonly waitSeconds: Histogram<"phase">;
  private readonly datadogCalls: Counter<"phase" | "source">;
  private readonly cacheLookups: Counter<"result">;
  private readonly llmCalls: Counter<"phase">;
  private readonly llmTokens: Counter<"phase" | "kind">;
  private readonly toolSteps: Counter<"phase" | "status">;
  private readonly llmCost: Counter<"phase">;
  private readonly unpriced: Counter<"phase">;
  /** Pass as `onEnd` to the workers' JobStore. */
  readonly jobEnded: (end: JobEnd) => void;

  constructor(registry: Registry) {
    const once = <M extends Metric>(name: string, create: (registers: Registry[]) => M) =>
      sharedMetric(registry, name, create);
    this.phaseSeconds = once(
      "orch_phase_duration_seconds",
      (registers) =>
        new Histogram({
          name: "orch_phase_duration_seconds",
          help: "Time a phase run took, by phase and outcome",
          labelNames: ["phase", "outcome"],
          buckets: PHASE_BUCKETS,
          registers,
        }),
    );
    this.waitSeconds = once(
      "orch_phase_wait_seconds",
      (registers) =>
        new Histogram({
          name: "orch_phase_wait_seconds",
          help: "Time a phase job waited in its queue before a worker took it",
          labelNames: ["phase"],
          buckets: PHASE_BUCKETS,
          registers,
        }),
    );
    this.datadogCalls = once(
      "orch_datadog_calls_total",
      (registers) =>
        new Counter({
          name: "orch_datadog_calls_total",
          help: "Requests sent to Datadog (reads the cache answered, and demo data, are not calls)",
          labelNames: ["phase", "source"],
          registers,
        }),
    );
    this.cacheLookups = once(
      "orch_datadog_cache_lookups_total",
      (registers) =>
        new Counter({
          name: "orch_datadog_cache_lookups_total",
          help: "Data reads by cache result; hit ratio = hit / (hit + miss)",
          labelNames: ["result"],
          registers,
        }),
    );
    this.llmCalls = once(
      "orch_llm_calls_total",
      (registers) =>
        new Counter({ name: "orch_llm_calls_total", help: "Model calls", labelNames: ["phase"], registers }),
    );
    this.llmTokens = once(
      "orch_llm_tokens_total",
      (registers) =>
        new Counter({
          name: "orch_llm_tokens_total",
          help: "Model tokens by kind (prompt, completion; cached_prompt counts the prompt tokens served from cache)",
          labelNames: ["phase", "kind"],
          registers,
        }),
    );
    this.toolSteps = once(
      "orch_tool_steps_total",
      (registers) =>
        new Counter({
          name: "orch_tool_steps_total",
          help: "Data-reading steps by status (ok, error, skipped)",
          labelNames: ["phase", "status"],
          registers,
        }),
    );
    this.llmCost = once(
      "orch_llm_cost_usd_total",
      (registers) =>
        new Counter({
          name: "orch_llm_cost_usd_total",
          help: "Model spend in USD from llm.prices (calls of unpriced models are not in it)",
          labelNames: ["phase"],
          registers,
        }),
    );
    this.unpriced = once(
      "orch_llm_unpriced_calls_total",
      (registers) =>
        new Counter({
          name: "orch_llm_unpriced_calls_total",
          help: "Model calls whose model has no price in llm.prices",
          labelNames: ["phase"],
          registers,
        }),
    );
    for (const result of ["hit", "miss"]) this.cacheLookups.labels(result).inc(0);
    this.jobEnded = countJobEnds(registry);
  }

  /** Pass as `observer` to the PhaseRunner. */
  readonly observePhase = (seen: PhaseObservation): void => {
    this.phaseSeconds.labels(seen.phase, seen.outcome).observe(seen.seconds);
    this.waitSeconds.labels(seen.phase).observe(seen.waitedSeconds);
    const work = seen.work;
    if (!work) return;
    const calls = work.usage.datadog_calls ?? 0;
    if (calls > 0) {
      const source = work.fields?.data_source ?? seen.job.data_source ?? "unknown";
      this.datadogCalls.labels(seen.phase, source).inc(calls);
    }
    for (const step of work.steps) {
      if (step.kind === "tool") this.toolSteps.labels(seen.phase, step.status).inc();
      if (step.cache) this.cacheLookups.labels(step.cache).inc();
      if (step.kind === "llm") {
        this.llmCalls.labels(seen.phase).inc();
        if (step.tokens) {
          this.llmTokens.labels(seen.phase, "prompt").inc(step.tokens.prompt);
          this.llmTokens.labels(seen.phase, "completion").inc(step.tokens.completion);
          this.llmTokens.labels(seen.phase, "cached_prompt").inc(step.tokens.cached_prompt ?? 0);
          if (step.cost_usd !== undefined) this.llmCost.labels(seen.phase).inc(step.cost_usd);
          else this.unpriced.labels(seen.phase).inc();
        }
      }
    }
  };
}
