import type { Localisation } from "../analysis/localise.js";
import type { Evidence } from "../evidence.js";
import type { PlanStep } from "../plan.js";
import type { TimeWindow } from "../time-window.js";

/** Extra rounds a job may take at most, whatever the configuration says (the record's keys are made for them). */
export const ROUND_LIMIT = 3;

/** The record key of a phase in a round: round 1 keeps the plain phase name ("execution-2" after). */
export function roundPhaseKey(phase: string, round: number): string {
  return round <= 1 ? phase : `${phase}-${round}`;
}

/** One choice of the drill-down menu: a candidate metric grouped by a key it really has. */
export interface DrillOption {
  readonly metric: string;
  readonly key: string;
  readonly breakdown: string;
}

/** One grouped read of a drill-down: what it localises and how to judge its groups. */
export interface DrillTarget {
  /** The drill plan step that reads it. */
  readonly step_id: string;
  readonly metric: string;
  /** The tag key the read is grouped by ("resource_name", "host", "version"). */
  readonly key: string;
  /** What the question calls that key ("endpoint", "host"). */
  readonly breakdown: string;
  /** The finding the read explains, when one does. */
  readonly finding_id?: string;
  /** When the change began (epoch ms); absent: the groups' levels are compared over the window. */
  readonly change_at?: number;
  /** The groups sum to the whole (counts, requests); otherwise each group is judged against its peers. */
  readonly additive: boolean;
  /** The metric in words ("errors", "p95 latency"). */
  readonly subject: string;
  readonly unit?: string;
}

/**
 * What the feedback phase asks for instead of an answer: grouped reads of the metrics behind its
 * findings, by tags the metrics really have. The pipeline runs them as round `round`.
 */
export interface DrillDownPlan {
  readonly round: number;
  /** The window the first round read (execution may have widened the planned one): the round reads it too. */
  readonly window?: TimeWindow;
  readonly steps: readonly PlanStep[];
  readonly targets: readonly DrillTarget[];
  readonly rationale: string;
  /** "offline" rules, "llm" (a model picked from the menu), or "fallback" (the model's pick was refused). */
  readonly source: "offline" | "llm" | "fallback";
}

/** A round after the first: its plan and what its reads returned. */
export interface DrillRound {
  readonly plan: DrillDownPlan;
  readonly evidence: Evidence;
}

/** What the rounds found, for the answer. */
export interface DrillFindings {
  /** Localisations of the grouped reads, the clearest first. */
  readonly localisations: readonly Localisation[];
  /** Breakdowns the question asked for ("endpoint") that no metric read has a tag for. */
  readonly absent: readonly { readonly breakdown: string; readonly metrics: readonly string[] }[];
  /** Extra rounds taken. */
  readonly rounds: number;
}
