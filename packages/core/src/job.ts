import type { AlertRef } from "./monitor/alert-ref.js";
import type { CacheStatus } from "./evidence.js";

export type Phase = "planning" | "execution" | "feedback";
export const PHASES: readonly Phase[] = ["planning", "execution", "feedback"];

export type JobStatus =
  "queued" | "planning" | "executing" | "synthesizing" | "completed" | "failed" | "cancelled";
export const TERMINAL_STATUSES: readonly JobStatus[] = ["completed", "failed", "cancelled"];

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** The status a job shows while a phase runs. */
export const RUNNING_STATUS: Readonly<Record<Phase, JobStatus>> = {
  planning: "planning",
  execution: "executing",
  feedback: "synthesizing",
};

export function nextPhase(phase: Phase): Phase | undefined {
  const i = PHASES.indexOf(phase);
  return PHASES[i + 1];
}

/** One entry of the reasoning trace. */
export interface TraceStep {
  readonly index: number;
  readonly phase: Phase;
  /** The drill-down round the step belongs to (2, 3…); absent for the first round. */
  readonly round?: number;
  readonly kind: "llm" | "tool" | "analysis";
  readonly name: string;
  readonly started_at: string;
  readonly duration_ms: number;
  readonly status: "ok" | "error" | "skipped";
  readonly cache?: CacheStatus;
  readonly summary: string;
  /** Model tokens of an llm step; `cached_prompt` of them the provider served from its cache. */
  readonly tokens?: { readonly prompt: number; readonly completion: number; readonly cached_prompt?: number };
  /** What the call cost (USD), when the price table has its model. */
  readonly cost_usd?: number;
  readonly error?: string;
}

/** A step as a phase records it; the store assigns `index` and `phase`. */
export type StepDraft = Omit<TraceStep, "index" | "phase">;

/** A job's usage counters (whole numbers, summed per phase). */
export interface Usage {
  readonly llm_calls: number;
  readonly prompt_tokens: number;
  readonly cached_prompt_tokens: number;
  readonly completion_tokens: number;
  readonly datadog_calls: number;
  readonly cache_hits: number;
  /** Model spend in billionths of a dollar (whole numbers add exactly). */
  readonly cost_nano_usd: number;
  /** Model calls with tokens but no price: while any, the job's cost is unknown. */
  readonly unpriced_llm_calls: number;
}

export const EMPTY_USAGE: Usage = {
  llm_calls: 0,
  prompt_tokens: 0,
  cached_prompt_tokens: 0,
  completion_tokens: 0,
  datadog_calls: 0,
  cache_hits: 0,
  cost_nano_usd: 0,
  unpriced_llm_calls: 0,
};

export function addUsage(a: Usage, b: Partial<Usage>): Usage {
  const sum = Object.fromEntries(
    Object.entries(a).map(([key, value]) => [key, value + (b[key as keyof Usage] ?? 0)]),
  );
  return sum as unknown as Usage;
}

/** Sums the usage implied by a list of steps (LLM tokens and calls, cache hits, upstream calls). */
export function usageOfSteps(steps: readonly StepDraft[]): Partial<Usage> {
  let llm = 0;
  let prompt = 0;
  let completion = 0;
  let cached = 0;
  let hits = 0;
  let nanoUsd = 0;
  let unpriced = 0;
  for (const s of steps) {
    if (s.kind === "llm") {
      llm += 1;
      prompt += s.tokens?.prompt ?? 0;
      cached += s.tokens?.cached_prompt ?? 0;
      completion += s.tokens?.completion ?? 0;
      if (s.cost_usd !== undefined) nanoUsd += Math.round(s.cost_usd * 1e9);
      else if (s.tokens) unpriced += 1;
    }
    if (s.cache === "hit") hits += 1;
  }
  return {
    llm_calls: llm,
    prompt_tokens: prompt,
    cached_prompt_tokens: cached,
    completion_tokens: completion,
    cache_hits: hits,
    cost_nano_usd: nanoUsd,
    unpriced_llm_calls: unpriced,
  };
}

/** The request a client submitted, as validated. */
export interface JobRequest {
  readonly service_id: string;
  readonly user_message: string;
  readonly session_id?: string;
  readonly options?: JobOptions;
  /** A Datadog monitor to investigate: its query's metric is read first. */
  readonly monitor_id?: number;
  /** The monitor notification that started the job, when an alert did. */
  readonly alert?: AlertRef;
}

export interface JobOptions {
  /** Overrides the question's timeframe, e.g. "24h". */
  readonly timeframe?: string;
  /** An absolute window (ISO 8601 with a zone), from < to, at most 30 days, not in the future. */
  readonly from?: string;
  readonly to?: string;
  /** "offline" forces the offline reasoner even when a model is configured. */
  readonly reasoner?: "auto" | "offline";
  /** Upper bound of plan steps (≤ orchestrator.max_reasoning_steps). */
  readonly max_steps?: number;
}

export interface JobError {
  readonly code: string;
  readonly message: string;
  readonly phase?: Phase;
}
