import type { AlertView, UsageView } from "./usage-view.js";
import type {
  DrillDownPlan,
  DrillRound,
  Evidence,
  JobError,
  JobRequest,
  JobResult,
  JobStatus,
  Phase,
  Plan,
  ServiceScope,
  StepDraft,
  TraceStep,
  Usage,
} from "@orch/core";

/** Output a phase saves to the record; the next phase reads it. */
export interface PhaseOutputs {
  readonly planning?: {
    readonly plan: Plan;
    readonly available_metrics: readonly string[];
    /** The demo's anchor the job reads at (epoch ms): its conversation's. Absent for Datadog. */
    readonly demo_anchor?: number;
  };
  readonly execution?: Evidence;
  readonly feedback?: JobResult;
  /** The rounds after the first whose reads are saved, in order (loaded only when asked). */
  readonly rounds?: readonly DrillRound[];
  /** A drill-down plan whose reads are not saved yet: the next round's execution runs it. */
  readonly drill_plan?: DrillDownPlan;
}

/** A job as stored in Redis, parsed. */
export interface StoredJob {
  readonly id: string;
  readonly owner: string;
  readonly status: JobStatus;
  readonly phase?: Phase;
  readonly request: JobRequest;
  readonly created_at: string;
  readonly updated_at: string;
  readonly started_at?: string;
  readonly finished_at?: string;
  readonly deadline_ms: number;
  /** The record schema version it was created with (JOB_SCHEMA_VERSION then; absent: 1). */
  readonly schema?: number;
  /** The outputs read with the job (see JobStore.get); a phase may be saved but not loaded. */
  readonly outputs: PhaseOutputs;
  /** Phases whose output is saved, in order. */
  readonly saved: readonly Phase[];
  readonly error?: JobError;
  readonly usage: Usage;
  readonly reasoner?: string;
  readonly data_source?: string;
  /** How many times each phase started its work (a re-run after a crash counts again). */
  readonly runs: Readonly<Record<Phase, number>>;
  /** The round the job is in: 1, or 2, 3… once the feedback asked for drill-down reads. */
  readonly round: number;
  /** Runs of the phases of later rounds, by key ("execution-2": 1). */
  readonly round_runs: Readonly<Record<string, number>>;
  /** Work time of the phases of later rounds, by key ("execution-2": 840). */
  readonly round_ms: Readonly<Record<string, number>>;
  readonly step_count: number;
  readonly callback_url?: string;
  /** The scope planning resolved (config or backend service info); later phases keep to it. */
  readonly service_scope?: ServiceScope;
  /** Milliseconds each saved phase spent on its own work (not queueing, not record writes). */
  readonly phase_ms: Readonly<Partial<Record<Phase, number>>>;
  /** When the alert that started the job recovered (ISO), as Datadog told us. */
  readonly alert_recovered_at?: string;
}

/** The full reasoning trace of a job, as GET /jobs/:id/trace returns it. */
export interface JobTrace {
  readonly job_id: string;
  readonly status: JobStatus;
  readonly total_steps: number;
  readonly execution_time_ms: number;
  readonly phases: readonly Phase[];
  /** Each saved phase's own work; `execution_time_ms` minus their sum is queueing and bookkeeping. */
  readonly phase_durations_ms: Readonly<Partial<Record<Phase, number>>>;
  /** The drill-down rounds' phases' own work, by key ("execution-2", "feedback-2"). */
  readonly round_durations_ms: Readonly<Record<string, number>>;
  readonly confidence_score: number | null;
  readonly reasoner: string | null;
  readonly data_source: string | null;
  readonly usage: UsageView;
  readonly alert: AlertView | null;
  readonly plan: Plan | null;
  /** The metrics discovery found for the service (empty until planning is saved). */
  readonly available_metrics: readonly string[];
  /** Those the plan does not read: what the planner left out. */
  readonly unread_metrics: readonly string[];
  readonly steps: readonly TraceStep[];
}

/** The headline figures of a trace, as POST /orchestrate's `reasoning_trace` gives them. */
export type TraceSummary = Pick<
  JobTrace,
  "total_steps" | "execution_time_ms" | "phases" | "confidence_score" | "reasoner" | "data_source"
>;

/** A phase's output, steps, usage and record fields, as a save writes them. */
export interface PhaseSaveRequest {
  readonly phase: Phase;
  readonly output: unknown;
  readonly steps: readonly StepDraft[];
  readonly usage: Partial<Usage>;
  readonly fields?: Readonly<Record<string, string>>;
  readonly slot?: PhaseSlot;
}

/** The phase a save claims once it lands (see `JobStore.completeAndBegin`). */
export interface NextClaim {
  readonly phase: Phase;
  readonly round: number;
  /** Its running status, which the save moves the job to. */
  readonly status: JobStatus;
}

/** Where a phase's save goes, for the phases of a round after the first and for drill-down plans. */
export interface PhaseSlot {
  /** The round the phase belongs to (1 unless a drill-down started another). */
  readonly round: number;
  /** A feedback that asks for another round saves its drill-down plan for that round instead of an answer. */
  readonly drillRound?: number;
}
