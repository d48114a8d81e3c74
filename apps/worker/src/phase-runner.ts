import { setMaxListeners } from "node:events";
import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import type { Logger } from "pino";
import {
  AppError,
  Cancelled,
  DeadlineExceeded,
  RUNNING_STATUS,
  UpstreamError,
  describeError,
  nextPhase,
  roundPhaseKey,
  type JobError,
  type Phase,
  type StepDraft,
  type Usage,
} from "@orch/core";
import {
  EncodedOutput,
  JOB_SCHEMA_VERSION,
  PHASE_MS_FIELD,
  UnreadableRecord,
  phasePayloadSchema,
  type JobEvents,
  type JobStore,
  type PhasePayload,
  type PhaseQueues,
  type StoredJob,
} from "@orch/queue";
import type { JobEndHooks } from "./job-end-hooks.js";
import { LiveSteps } from "./live-steps.js";
import { claimPhase, saveForInline, type Handoff, type InlineNext } from "./phase-handoff.js";

/** What a phase hands back: its output for the record, its steps and usage. */
export interface PhaseWork {
  readonly output: unknown;
  readonly steps: readonly StepDraft[];
  readonly usage: Partial<Usage>;
  readonly fields?: Readonly<Record<string, string>>;
  /**
   * A feedback that asks for another round instead of answering: its output is that round's
   * drill-down plan, and the round's execution is chained instead of ending the job.
   */
  readonly drill?: { readonly round: number };
}

export interface PhaseContext {
  readonly job: StoredJob;
  /** The round the phase runs in: 1, or 2, 3… for the reads a drill-down asked for. */
  readonly round: number;
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Publishes a step live, as it happens; the phase still returns all its steps. */
  readonly onStep: (step: StepDraft) => void;
}

export type PhaseHandler = (ctx: PhaseContext) => Promise<PhaseWork>;

/** How one run of a phase ended, for metrics. `discarded`: the work was done but the job had ended. */
export interface PhaseObservation {
  readonly phase: Phase;
  readonly outcome: "completed" | "discarded" | "cancelled" | "deadline_exceeded" | "error";
  readonly seconds: number;
  /** From the phase job being queued to this run starting (backoff of retries included). */
  readonly waitedSeconds: number;
  readonly job: StoredJob;
  readonly work?: PhaseWork;
}

export type PhaseObserver = (observation: PhaseObservation) => void;

export interface PhaseRunnerDeps {
  readonly store: JobStore;
  readonly queues: PhaseQueues;
  readonly events: JobEvents;
  readonly log: Logger;
  readonly now?: () => number;
  /** What follows a job's end (session, webhook, backend), run at least once by whoever ends it. */
  readonly endHooks?: Pick<JobEndHooks, "ending" | "settleIfPending">;
  readonly observer?: PhaseObserver;
  /**
   * Runs the next phase of a job inline, in the BullMQ job of the phase that just saved, when
   * `canRun(next)` says this process has room for it (see `PhaseRunner.inFlight`); otherwise, or
   * when it fails to start, the next phase is queued as usual.
   */
  readonly inline?: {
    readonly handlers: Readonly<Record<Phase, PhaseHandler>>;
    readonly canRun: (phase: Phase) => boolean;
  };
}

/** The BullMQ side of one run: a queued phase job, or a phase run inline in its predecessor's job. */
interface RunContext {
  readonly bullJob: Job<PhasePayload>;
  readonly token: string | undefined;
  /** Run inline after the phase before it saved: its failures fall back to queueing it. */
  readonly inline: boolean;
}

/** How long a phase queued ahead of its predecessor's save waits before it looks again. */
const WAIT_FOR_PREVIOUS_MS = 500;
/** How long a phase of a record from a newer version waits before a worker looks again. */
const WAIT_FOR_NEWER_MS = 5_000;

function retryable(error: unknown): boolean {
  if (error instanceof UpstreamError) return error.retryable;
  if (error instanceof AppError) return false;
  return true;
}

/**
 * The protocol every phase follows: claim the phase on the record (skipping work already saved),
 * run it under the job's deadline and cancellation, save output and steps atomically, then
 * enqueue the next phase — so a worker killed at any moment loses nothing and repeats nothing.
 */
export class PhaseRunner {
  private readonly running = new Map<string, AbortController>();
  private readonly active: Record<Phase, number> = { planning: 0, execution: 0, feedback: 0 };
  private readonly now: () => number;
  private readonly offCancel: () => void;
  private readonly offResync: () => void;

  constructor(private readonly deps: PhaseRunnerDeps) {
    this.now = deps.now ?? Date.now;
    this.offCancel = deps.events.onAny((notice) => {
      if (notice.status === "cancelled") this.running.get(notice.id)?.abort(new Cancelled());
    });
    // A cancellation published while the subscription was down is read from the records instead.
    this.offResync = deps.events.onResync(() => {
      for (const [id, controller] of this.running) {
        deps.store.status(id).then(
          (status) => {
            if (status === "cancelled") controller.abort(new Cancelled());
          },
          (error: unknown) => deps.log.warn({ err: error, jobId: id }, "could not re-check cancellation"),
        );
      }
    });
  }

  /** Runs a transition that may end the job, with its end hooks made durable (see JobEndHooks). */
  private ending<T>(id: string, transition: () => Promise<T>): Promise<T> {
    return this.deps.endHooks ? this.deps.endHooks.ending(id, transition) : transition();
  }

  private fail(id: string, error: JobError): Promise<unknown> {
    return this.ending(id, () => this.deps.store.end(id, "failed", error));
  }

  /** `token`: the BullMQ lock token of the run, needed to put the phase job back to wait. */
  async run(phase: Phase, bullJob: Job<PhasePayload>, handler: PhaseHandler, token?: string): Promise<void> {
    const parsed = phasePayloadSchema.safeParse(bullJob.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ${phase} payload: ${parsed.error.message}`);
    await this.attempt(phase, parsed.data.job_id, parsed.data.round ?? 1, handler, {
      bullJob,
      token,
      inline: false,
    });
  }

  /** Phases of this process running now, queued or inline. */
  inFlight(phase: Phase): number {
    return this.active[phase];
  }

  private async attempt(
    phase: Phase,
    id: string,
    round: number,
    handler: PhaseHandler,
    ctx: RunContext,
    handoff?: Handoff,
  ): Promise<void> {
    const { bullJob, token } = ctx;
    const log = this.deps.log.child({
      jobId: id,
      phase,
      ...(round > 1 ? { round } : {}),
      ...(ctx.inline ? { inline: true } : {}),
    });
    const { store } = this.deps;

    const { begin, job: read } = handoff ?? (await claimPhase(store, phase, id, round));
    if (begin.state === "missing") return;
    if (ctx.inline && (begin.state === "newer" || begin.state === "waiting")) {
      // Not for this process to run now (a newer record, or a save it cannot see): queue it.
      await this.deps.queues.enqueue(phase, id, round);
      return;
    }
    if (begin.state === "newer") {
      // A rolling deploy: a newer process wrote this record. Leave it, unclaimed, for one that reads
      // it, without spending an attempt; its deadline still applies (the sweeper ends it).
      log.warn(
        { schema: begin.schema, reads: JOB_SCHEMA_VERSION },
        "record of a newer schema; left for a newer worker",
      );
      if (!token)
        throw new UnrecoverableError(
          `${phase}: record schema ${begin.schema} is newer than this worker reads`,
        );
      await bullJob.moveToDelayed(this.now() + WAIT_FOR_NEWER_MS, token);
      throw new DelayedError();
    }
    if (read instanceof UnreadableRecord) {
      // Of a schema this process reads, yet missing what every record holds: no worker can run it.
      log.error({ err: read }, "damaged job record; failing the job");
      await this.fail(id, { code: "internal", message: read.message, phase });
      return;
    }
    const loaded = read;
    if (begin.state === "terminal") {
      // Delivered again after the job ended: if the process that ended it died before its end
      // hooks ran (or one failed), they run here.
      log.debug({ status: begin.status }, "phase skipped: the job has ended");
      await this.deps.endHooks?.settleIfPending(id);
      return;
    }
    if (begin.state === "expired") {
      await this.fail(id, { code: "deadline_exceeded", message: new DeadlineExceeded().message, phase });
      return;
    }
    if (begin.state === "done") {
      log.info("phase output already saved; chaining the next phase");
      // A saved feedback of a job still running asked for another round (an answer ends the job).
      await this.chain(phase, id, round, phase === "feedback" ? { round: round + 1 } : undefined);
      return;
    }
    if (begin.state === "waiting") {
      // Queued alongside the previous phase's save, which has not landed (it failed and will be
      // retried): look again shortly, without spending an attempt; the deadline still applies.
      log.info("the previous phase has not saved yet; waiting for it");
      if (!token) throw new Error(`${phase} started before the previous phase saved`);
      await bullJob.moveToDelayed(this.now() + WAIT_FOR_PREVIOUS_MS, token);
      throw new DelayedError();
    }

    const job = loaded;
    if (!job) return;
    const controller = new AbortController();
    // Every read of a plan listens to the job's signal at once (a round of metric reads starts together).
    setMaxListeners(200, controller.signal);
    this.running.set(id, controller);
    const timer = setTimeout(
      () => controller.abort(new DeadlineExceeded()),
      Math.max(0, job.deadline_ms - this.now()),
    );
    const started = this.now();
    const run = begin.runs;
    let then: InlineNext | undefined;
    this.active[phase] += 1;
    const live = new LiveSteps((steps) =>
      store
        .emitMany(
          id,
          steps.map((payload) => ({ kind: "step", payload })),
        )
        .catch((error: unknown) => log.warn({ err: error }, "live steps not published")),
    );
    try {
      const work = await handler({
        job,
        signal: controller.signal,
        log,
        round,
        onStep: (step) => live.add({ ...step, phase, run, ...(round > 1 ? { round } : {}) }),
      });
      live.flush();
      if (controller.signal.aborted) throw controller.signal.reason;
      const workMs = this.now() - started;
      const next = work.drill ? "execution" : nextPhase(phase);
      const steps = round > 1 ? work.steps.map((step) => ({ ...step, round })) : work.steps;
      // Encoded (compressed, off the event loop) before the round trip that saves and chains.
      const output = await EncodedOutput.of(work.output, job.schema);
      const fields = {
        ...work.fields,
        phase: next ?? phase,
        [`${PHASE_MS_FIELD}${roundPhaseKey(phase, round)}`]: String(workMs),
      };
      const slot = { round, ...(work.drill ? { drillRound: work.drill.round } : {}) };
      const save = () =>
        store.completePhase(
          id,
          phase,
          output,
          steps,
          work.usage,
          next ? RUNNING_STATUS[next] : "completed",
          fields,
          slot,
        );
      // The next phase is queued in the same round trip as the save (Redis runs them in order; if
      // the save fails, the next phase waits for its retry). The last phase's save completes the
      // job: its end hooks (session, webhook) follow it.
      const nextRound = work.drill ? work.drill.round : round;
      let saved: boolean;
      if (next && this.deps.inline?.canRun(next)) {
        // Run inline after this run ends, in this BullMQ job, once the save has landed.
        const at = new Date(this.now()).toISOString();
        const request = { phase, output, steps, usage: work.usage, fields, slot };
        then = await saveForInline(store, { id, job, save: request, at }, { phase: next, round: nextRound });
        saved = then !== undefined;
      } else {
        const saving = next ? save() : this.ending(id, save);
        const chaining = this.chain(phase, id, round, work.drill);
        [saved] = await Promise.all([saving, chaining]);
      }
      log.info({ ms: workMs, steps: work.steps.length, saved }, "phase finished");
      this.observe(ctx, { phase, job, work, outcome: saved ? "completed" : "discarded" }, started);
    } catch (error) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
      const outcome =
        reason instanceof Cancelled
          ? "cancelled"
          : reason instanceof DeadlineExceeded
            ? "deadline_exceeded"
            : "error";
      this.observe(ctx, { phase, job, outcome }, started);
      if (reason instanceof Cancelled) {
        log.info("phase stopped: job cancelled");
        return;
      }
      if (reason instanceof DeadlineExceeded) {
        await this.fail(id, { code: reason.code, message: reason.message, phase });
        return;
      }
      const attempts = bullJob.opts.attempts ?? 1;
      const last = !ctx.inline && bullJob.attemptsMade + 1 >= attempts;
      const message = describeError(reason);
      if (ctx.inline && retryable(reason)) {
        // What a queued run would retry: queued now, with the queue's own attempts.
        log.warn({ err: reason }, "inline phase failed; queueing it");
        await this.deps.queues.enqueue(phase, id, round);
        return;
      }
      if (!retryable(reason) || last) {
        const code = reason instanceof AppError ? reason.code : "internal";
        log.error({ err: reason, attempt: bullJob.attemptsMade + 1 }, "phase failed");
        await this.fail(id, { code, message: `${phase} failed: ${message}`, phase });
        if (ctx.inline) return;
        throw new UnrecoverableError(message);
      }
      log.warn({ err: reason, attempt: bullJob.attemptsMade + 1, attempts }, "phase will be retried");
      await store.emit(id, "retry", { phase, attempt: bullJob.attemptsMade + 1, attempts, error: message });
      throw reason instanceof Error ? reason : new Error(message);
    } finally {
      clearTimeout(timer);
      this.running.delete(id);
      this.active[phase] -= 1;
    }
    if (then) await this.runInline(then, id, ctx);
  }

  /** The next phase, inline; if it cannot even start (Redis), it is queued as usual. */
  private async runInline(next: InlineNext, id: string, ctx: RunContext): Promise<void> {
    const { phase, round } = next;
    const handler = this.deps.inline?.handlers[phase];
    if (!handler) {
      await this.deps.queues.enqueue(phase, id, round);
      return;
    }
    try {
      await this.attempt(phase, id, round, handler, { ...ctx, inline: true }, next.handoff);
    } catch (error) {
      // A failure outside the phase's own handling: queue it (if that fails too, this job is
      // retried, finds its output saved and queues it then).
      this.deps.log.warn({ err: error, jobId: id, phase }, "inline phase could not run; queueing it");
      await this.deps.queues.enqueue(phase, id, round);
    }
  }

  /**
   * Adds the next phase's job: the next phase of the round, or the execution of the round a
   * drill-down asked for; after an answer there is none (its save ended the job).
   */
  private async chain(phase: Phase, id: string, round: number, drill?: { round: number }): Promise<void> {
    if (drill) {
      await this.deps.queues.enqueue("execution", id, drill.round);
      return;
    }
    const next = nextPhase(phase);
    if (next) await this.deps.queues.enqueue(next, id, round);
  }

  private observe(
    ctx: RunContext,
    seen: Omit<PhaseObservation, "seconds" | "waitedSeconds">,
    started: number,
  ): void {
    if (!this.deps.observer) return;
    // A phase run inline did not wait in a queue.
    const waitedMs = ctx.inline ? 0 : (ctx.bullJob.processedOn ?? started) - ctx.bullJob.timestamp;
    try {
      this.deps.observer({
        ...seen,
        seconds: (this.now() - started) / 1000,
        waitedSeconds: Math.max(0, waitedMs) / 1000,
      });
    } catch (error) {
      // Metrics must never fail a phase.
      this.deps.log.warn({ err: error, jobId: seen.job.id, phase: seen.phase }, "phase observer failed");
    }
  }

  /** Stops watching for cancellations; running phases finish (BullMQ's close waits for them). */
  close(): void {
    this.offCancel();
    this.offResync();
  }
}
