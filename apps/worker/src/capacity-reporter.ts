import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { PHASES, type Phase } from "@orch/core";
import type { CapacityBoard } from "@orch/queue";
import type { PhaseObservation } from "./phase-runner.js";

/** How often a process tells the board what it can do. */
const REPORT_EVERY_MS = 2_000;
/** Weight of the newest run in the running means. */
const WEIGHT = 0.1;

const mean = (previous: number | null, value: number): number =>
  previous === null ? value : previous + WEIGHT * (value - previous);

/**
 * Measures this process's phase durations and Datadog requests per execution (running means of
 * completed runs) and reports them with its slots to the CapacityBoard every two seconds, for the
 * API's admission control.
 */
export class CapacityReporter {
  readonly processId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly seconds: Record<Phase, number | null> = {
    planning: null,
    execution: null,
    feedback: null,
  };
  private datadogCalls: number | null = null;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly board: CapacityBoard,
    private readonly slots: Readonly<Record<Phase, number>>,
    private readonly log: Logger,
  ) {}

  /** Pass as (part of) the PhaseRunner's observer. */
  readonly observe = (seen: PhaseObservation): void => {
    if (seen.outcome !== "completed") return;
    this.seconds[seen.phase] = mean(this.seconds[seen.phase], seen.seconds);
    const calls = seen.work?.usage?.datadog_calls;
    if (seen.phase === "execution" && typeof calls === "number")
      this.datadogCalls = mean(this.datadogCalls, calls);
  };

  start(): void {
    const report = () => {
      this.board
        .report(this.processId, {
          at: Date.now(),
          phases: Object.fromEntries(
            PHASES.map((p) => [p, { slots: this.slots[p], seconds: this.seconds[p] }]),
          ) as Record<Phase, { slots: number; seconds: number | null }>,
          datadog_calls: this.datadogCalls,
        })
        .catch((error: unknown) => this.log.debug({ err: error }, "capacity not reported"));
    };
    report();
    this.timer = setInterval(report, REPORT_EVERY_MS);
    this.timer.unref();
  }

  /** Stops reporting and leaves the board: a process that drains takes no more jobs. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.board.forget(this.processId).catch(() => undefined);
  }
}
