/*
 * The API's JSON as the console reads it: a client's copy of the documented shapes
 * (GET /openapi.json), limited to the fields the console uses.
 */

export type JobStatus =
  "queued" | "planning" | "executing" | "synthesizing" | "completed" | "failed" | "cancelled";
export type Phase = "planning" | "execution" | "feedback";
export const PHASES: readonly Phase[] = ["planning", "execution", "feedback"];
export const TERMINAL: readonly JobStatus[] = ["completed", "failed", "cancelled"];
export type Severity = "critical" | "warning" | "info";

export interface Usage {
  readonly llm_calls: number;
  readonly prompt_tokens: number;
  readonly cached_prompt_tokens: number;
  readonly completion_tokens: number;
  readonly datadog_calls: number;
  readonly cache_hits: number;
  readonly cost_usd: number | null;
  readonly cost_note?: string;
}

export interface Finding {
  readonly id: string;
  readonly category: string;
  readonly severity: Severity;
  readonly metric: string;
  readonly kind?: string;
  readonly window: { readonly start: number; readonly end: number };
  readonly evidence: Readonly<Record<string, number | string>>;
  readonly summary: string;
  readonly score: number;
  readonly state: "ongoing" | "recovered";
  readonly recovered_at?: number;
  readonly caused_by?: readonly string[];
  readonly explains?: readonly string[];
  readonly cause_reason?: string;
}

export interface JobResult {
  readonly answer_markdown: string;
  readonly direct_answer: string;
  readonly summary: string;
  readonly sections: ReadonlyArray<{ readonly title: string; readonly markdown: string }>;
  readonly recommendations: readonly string[];
  readonly confidence: number;
  readonly findings: readonly Finding[];
  readonly reasoner: string;
  readonly data_source: string;
  readonly missing_data: readonly string[];
  readonly window: { readonly start: string; readonly end: string; readonly label: string };
}

export interface JobError {
  readonly code: string;
  readonly message: string;
  readonly phase?: Phase;
}

export interface JobView {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly phase: Phase | null;
  readonly service_id: string;
  readonly user_message: string;
  readonly session_id: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly progress: { readonly phases_completed: readonly Phase[]; readonly steps: number };
  readonly reasoner: string | null;
  readonly data_source: string | null;
  readonly usage: Usage;
  readonly result?: JobResult | null;
  readonly error: JobError | null;
}

export interface JobList {
  readonly jobs: readonly JobView[];
  readonly next_cursor: string | null;
}

export interface TraceStep {
  readonly index: number;
  readonly phase: Phase;
  readonly kind: "llm" | "tool" | "analysis";
  readonly name: string;
  readonly started_at: string;
  readonly duration_ms: number;
  readonly status: "ok" | "error" | "skipped";
  readonly cache?: "hit" | "miss";
  readonly summary: string;
  readonly tokens?: { readonly prompt: number; readonly completion: number; readonly cached_prompt?: number };
  readonly cost_usd?: number;
  readonly error?: string;
}

export interface JobTrace {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly execution_time_ms: number;
  readonly phase_durations_ms: Partial<Record<Phase, number>>;
  readonly confidence_score: number | null;
  readonly reasoner: string | null;
  readonly data_source: string | null;
  readonly usage: Usage;
  readonly plan: {
    readonly intent: string;
    readonly rationale: string;
    readonly source: string;
    readonly window: { readonly start: number; readonly end: number; readonly label: string };
  } | null;
  readonly steps: readonly TraceStep[];
}

export type UnitFamily =
  "time" | "bytes" | "bits" | "share" | "cpu" | "frequency" | "money" | "temperature" | "power" | "count";

export type Point = readonly [number, number | null];

export interface EvidenceSeries {
  readonly id: string;
  readonly metric: string;
  readonly label: string;
  readonly query: string;
  readonly group: readonly string[];
  readonly role: "finding" | "key" | "limit";
  readonly limit_of: string | null;
  readonly kind: string | null;
  readonly unit: string | null;
  readonly unit_family: UnitFamily | null;
  readonly unit_scale: number | null;
  readonly findings: readonly string[];
  readonly interval_s: number;
  readonly points: readonly Point[];
  readonly points_read: number;
  readonly downsampled: boolean;
}

export interface EvidenceWindow {
  readonly finding: string;
  readonly metric: string;
  readonly group: readonly string[] | null;
  readonly severity: Severity;
  readonly state: "ongoing" | "recovered";
  readonly start: number;
  readonly end: number;
  readonly recovered_at: number | null;
}

export interface EvidenceThreshold {
  readonly metric: string;
  readonly group: readonly string[] | null;
  readonly value: number;
  readonly level: "critical" | "warning" | "baseline";
  readonly label: string;
  readonly finding: string;
}

export interface EvidenceEvent {
  readonly id: string;
  readonly time: number;
  readonly title: string;
  readonly type: "deploy" | "config" | "alert" | "scale" | "other";
  readonly tags: readonly string[];
}

export interface Evidence {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly window: { readonly start: number; readonly end: number; readonly label: string } | null;
  readonly series: readonly EvidenceSeries[];
  readonly windows: readonly EvidenceWindow[];
  readonly thresholds: readonly EvidenceThreshold[];
  readonly events: readonly EvidenceEvent[];
  readonly omitted_series: number;
  /** The job read data, but it is no longer kept. */
  readonly evidence_expired: boolean;
}

export interface ServiceList {
  readonly source: "backend" | "config" | "demo";
  readonly free_text: boolean;
  readonly services: ReadonlyArray<{
    readonly service_id: string;
    readonly description: string | null;
    readonly env: string | null;
    readonly example_question: string | null;
  }>;
  readonly detail: string | null;
}

export interface SessionMessages {
  readonly session_id: string;
  readonly messages: ReadonlyArray<{
    readonly role: "user" | "assistant";
    readonly content: string;
    readonly job_id?: string;
    readonly at?: string;
  }>;
}

export interface JobAccepted {
  readonly job_id: string;
  readonly status: JobStatus;
}
