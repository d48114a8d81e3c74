/** The share of a job's remaining time the model may take to plan, and to answer. */
export const PLAN_TIME_SHARE = 0.25;
export const ANSWER_TIME_SHARE = 0.4;
/** Picking drill-downs is a small choice from a menu: a small share. */
export const DRILL_TIME_SHARE = 0.1;

/** The job's deadline (epoch ms), when the caller hands it along with a reasoner's input. */
export interface DeadlineHint {
  readonly deadline_ms?: number;
}

/**
 * A time limit on a reasoner's model calls, under the caller's signal: when it runs out the
 * calls stop and the reasoner falls back to its offline result, instead of the model's slowness
 * using up the job's deadline and failing the job. No limit when `ms` is undefined.
 */
export class TimeBudget {
  /** Aborts when the caller's signal does or the budget runs out. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    readonly ms: number | undefined,
    parent: AbortSignal,
  ) {
    if (ms !== undefined) {
      this.timer = setTimeout(() => this.controller.abort(new Error(`time budget of ${ms} ms ran out`)), ms);
      this.timer.unref();
    }
    this.signal = AbortSignal.any([parent, this.controller.signal]);
  }

  /** Whether the budget, rather than the caller, stopped the calls. */
  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** A share of the time left before `deadlineMs`, or of the whole job's deadline when none is known. */
export function budgetMs(
  share: number,
  now: number,
  deadlineMs: number | undefined,
  jobDeadlineMs: number | undefined,
): number | undefined {
  const remaining = deadlineMs !== undefined ? deadlineMs - now : jobDeadlineMs;
  return remaining === undefined ? undefined : Math.max(0, Math.floor(remaining * share));
}
