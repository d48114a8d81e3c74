import { PHASES, TERMINAL, type JobStatus, type JobView, type Phase, type TraceStep } from "../api/api-types";

export type PhaseState = "pending" | "running" | "done" | "failed" | "cancelled";

/** A step as the stream reports it: the trace step (without its index) with the phase's run. */
export type LiveStep = Omit<TraceStep, "index"> & { readonly run: number; readonly event_id: string };

export interface PhaseProgress {
  readonly state: PhaseState;
  /** 1 for the first run; more when the phase ran again after a worker crash. */
  readonly run: number;
  readonly steps: number;
}

/** What a job's event stream has said so far: enough to draw its progress and to resume it. */
export interface JobProgress {
  readonly status: JobStatus;
  readonly phases: Readonly<Record<Phase, PhaseProgress>>;
  readonly steps: readonly LiveStep[];
  /** Transient failures the phases will retry. */
  readonly retries: ReadonlyArray<{
    readonly phase: Phase;
    readonly attempt: number;
    readonly error: string;
  }>;
  /** The id of the last event applied: where a stream resumes (Last-Event-ID). */
  readonly lastEventId: string;
  /** The job view the `end` event carried. */
  readonly ended?: JobView;
}

export const INITIAL_PROGRESS: JobProgress = {
  status: "queued",
  phases: {
    planning: { state: "pending", run: 0, steps: 0 },
    execution: { state: "pending", run: 0, steps: 0 },
    feedback: { state: "pending", run: 0, steps: 0 },
  },
  steps: [],
  retries: [],
  lastEventId: "",
};

const isPhase = (value: unknown): value is Phase => PHASES.includes(value as Phase);

function withPhase(progress: JobProgress, phase: Phase, change: Partial<PhaseProgress>): JobProgress {
  return { ...progress, phases: { ...progress.phases, [phase]: { ...progress.phases[phase], ...change } } };
}

/**
 * Applies one event of GET /jobs/:id/events. Events arrive once each and in order (a resumed
 * stream starts after the last id), so applying is plain accumulation; an event already applied
 * (the same id) changes nothing.
 */
export function applyEvent(progress: JobProgress, id: string, type: string, data: unknown): JobProgress {
  if (id !== "" && id === progress.lastEventId) return progress;
  const payload = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  let next: JobProgress = { ...progress, lastEventId: id || progress.lastEventId };
  switch (type) {
    case "status": {
      next = { ...next, status: payload.status as JobStatus };
      const phase = payload.phase;
      if (isPhase(phase)) next = withPhase(next, phase, { state: "running", run: Number(payload.run ?? 1) });
      return next;
    }
    case "step": {
      const phase = payload.phase;
      if (!isPhase(phase)) return next;
      const step = { ...(payload as unknown as LiveStep), run: Number(payload.run ?? 1), event_id: id };
      next = { ...next, steps: [...next.steps, step] };
      return withPhase(next, phase, { steps: next.phases[phase].steps + 1 });
    }
    case "phase": {
      const phase = payload.phase;
      if (!isPhase(phase)) return next;
      next = withPhase(next, phase, { state: "done" });
      return typeof payload.status === "string" ? { ...next, status: payload.status as JobStatus } : next;
    }
    case "retry": {
      const phase = payload.phase;
      if (!isPhase(phase)) return next;
      const error = typeof payload.error === "string" ? payload.error : "";
      const retry = { phase, attempt: Number(payload.attempt ?? 0), error };
      return { ...next, retries: [...next.retries, retry] };
    }
    case "end":
      return endWith(next, payload as unknown as JobView);
    default:
      return next;
  }
}

/** The job ended: running phases stop as failed or cancelled, and the view is kept. */
export function endWith(progress: JobProgress, view: JobView): JobProgress {
  const stopped: PhaseState = view.status === "cancelled" ? "cancelled" : "failed";
  let next: JobProgress = { ...progress, status: view.status, ended: view };
  for (const phase of PHASES) {
    const state = next.phases[phase].state;
    if (view.progress.phases_completed.includes(phase)) next = withPhase(next, phase, { state: "done" });
    else if (state === "running") next = withPhase(next, phase, { state: stopped });
  }
  return next;
}

export const isTerminal = (status: JobStatus): boolean => TERMINAL.includes(status);
