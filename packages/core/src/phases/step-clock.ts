import type { StepDraft } from "../job.js";

/** Receives each step as it happens (live progress); the phase also returns them all at the end. */
export type StepSink = (step: StepDraft) => void;

/** Times a unit of work and turns it into a StepDraft. */
export function startStep(now: () => number): { startedAt: string; elapsed: () => number } {
  const t0 = now();
  return { startedAt: new Date(t0).toISOString(), elapsed: () => Math.max(0, now() - t0) };
}
