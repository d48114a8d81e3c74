import type { ConversationMessage, MetricsSource, Reasoner, ServiceScope, StepDraft } from "@orch/core";
import type { StoredJob } from "@orch/queue";

/** A job's service: its scope, its data source, and the steps (backend lookups) that resolved them. */
export interface ServiceContext {
  readonly scope: ServiceScope;
  /** Demo, the deployment's Datadog, or the service's own org. */
  readonly source: MetricsSource;
  readonly steps: readonly StepDraft[];
}

/** A session's conversation so far, and the steps (backend reads) that fetched it. */
export interface History {
  readonly messages: readonly ConversationMessage[];
  readonly steps: readonly StepDraft[];
}

/** The demo's anchor for a job of a session: its conversation's (see `conversationAnchor`). */
export interface ConversationAnchor {
  readonly anchor: number;
  /** Present when the conversation starts (or starts over) with this job: keeps its anchor. */
  readonly keep?: () => Promise<void>;
}

/** The ports a phase needs, built once by the composition root. */
export interface PhaseDeps {
  /**
   * Resolves the job's service (config, overlaid with the backend's service info when there is
   * one); a demo source reads at `demoAnchor` when given (the job's conversation's).
   */
  readonly serviceFor: (job: StoredJob, signal: AbortSignal, demoAnchor?: number) => Promise<ServiceContext>;
  /** The reasoner for a job; `offline` when the request asked for it. */
  readonly reasonerFor: (job: StoredJob) => Reasoner;
  /** The conversation so far of the job's session, oldest first, bounded. */
  readonly historyFor: (job: StoredJob, signal: AbortSignal) => Promise<History>;
  /** The demo anchor of the job's conversation; none for a job without a session. */
  readonly demoAnchorFor: (job: StoredJob) => Promise<ConversationAnchor | undefined>;
  /** Records the job's exchange in its session before the answer is saved (see SessionHistory.record). */
  readonly rememberAnswer: (job: StoredJob, answer: string) => Promise<void>;
  readonly now: () => number;
  readonly defaultTimeframe: string;
  /** alerts.lookback in ms: an alert's window starts this long before its trigger. */
  readonly alertLookbackMs: number;
  readonly maxSteps: number;
  /** orchestrator.max_rounds: drill-down rounds a job may take after the first. */
  readonly maxRounds: number;
  readonly toolConcurrency: number;
}
