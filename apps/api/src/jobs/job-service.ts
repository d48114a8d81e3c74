import {
  AppError,
  Conflict,
  InvalidRequest,
  NotFound,
  PHASES,
  isTerminal,
  type JobRequest,
  type Phase,
} from "@orch/core";
import type { Config } from "@orch/config";
import {
  checkCallbackUrl,
  type JobEvents,
  type JobStore,
  type PhaseQueues,
  type StoredJob,
} from "@orch/queue";
import type { Principal } from "../app-state.js";
import { inFlightCapError } from "../ops/in-flight-cap.js";
import type { CreateJobBody } from "./job-request-schema.js";

export interface JobServiceDeps {
  readonly config: Config;
  readonly store: JobStore;
  readonly queues: PhaseQueues;
  readonly events: JobEvents;
  readonly now?: () => number;
  readonly metrics?: { jobSubmitted(): void; rateLimited(reason: "in_flight"): void };
  /** Fires when the server shuts down. */
  readonly closing?: AbortSignal;
  /** Load shedding for the whole deployment (503); absent, every job within its owner's limits is taken. */
  readonly admission?: { check(): AppError | undefined; accepted(): void };
  /** Waits for replicas to hold the job's writes before it is accepted (ReplicaAcks); none when absent. */
  readonly replicas?: { confirm(): Promise<unknown> };
}

/** Submitting, reading and waiting on jobs, for the HTTP routes. */
export class JobService {
  private readonly now: () => number;

  constructor(private readonly deps: JobServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Records a new job and queues its planning phase; the job is accepted once this returns.
   * `id` is chosen by the caller when an idempotency key reserved it beforehand.
   */
  async submit(principal: Principal, body: CreateJobBody, id?: string): Promise<StoredJob> {
    const shed = this.deps.admission?.check();
    if (shed) throw shed;
    if (body.callback_url) {
      const { webhooks } = this.deps.config;
      const check = await checkCallbackUrl(body.callback_url, {
        allowedHosts: webhooks.allowed_hosts,
        allowPrivate: webhooks.allow_private,
      });
      if (!check.ok) {
        const errors = [{ field: "callback_url", message: check.reason }];
        throw new InvalidRequest(check.reason, { errors });
      }
    }
    const request: JobRequest = {
      service_id: body.service_id,
      user_message: body.user_message,
      ...(body.session_id ? { session_id: body.session_id } : {}),
      ...(body.options ? { options: body.options } : {}),
      ...(body.monitor_id !== undefined ? { monitor_id: body.monitor_id } : {}),
    };
    const deadlineMs = this.now() + this.deps.config.orchestrator.job_deadline_seconds * 1000;
    // The owner's jobs in flight are counted by the command that adds this one to the owner's
    // indexes (so the count does not include it); over the cap, the record is taken back.
    const { job, inFlightBefore: inFlight } = await this.deps.store.createCounted(
      {
        owner: principal.owner,
        request,
        deadlineMs,
        ...(body.callback_url ? { callbackUrl: body.callback_url } : {}),
      },
      id,
    );
    const capped = inFlightCapError(inFlight, this.deps.config.api.max_jobs_in_flight);
    if (capped) {
      await this.deps.store.discard(job);
      this.deps.metrics?.rateLimited("in_flight");
      throw capped;
    }
    try {
      await this.deps.queues.enqueue("planning", job.id);
    } catch (error) {
      await this.deps.store
        .end(job.id, "failed", { code: "unavailable", message: "the job could not be queued" })
        .catch(() => undefined);
      throw new AppError(
        "unavailable",
        "The job queue is not reachable; retry shortly.",
        {},
        { cause: error },
      );
    }
    // Not awaited: the job is accepted once queued; if this write is lost, the workers' sweeper
    // re-adds the planning job (a no-op while it is still queued).
    this.deps.store.markQueued(job.id).catch(() => undefined);
    await confirmReplicated(this.deps.replicas);
    this.deps.admission?.accepted();
    this.deps.metrics?.jobSubmitted();
    return job;
  }

  /**
   * The caller's job with the outputs of `load` (by default the plan and the answer), or 404 —
   * also for other callers' jobs, so ids reveal nothing.
   */
  async get(principal: Principal, id: string, load?: readonly Phase[]): Promise<StoredJob> {
    const job = await this.deps.store.getOwned(id, principal.owner, load);
    if (!job)
      throw new NotFound(
        `No job ${id} for this token; job ids are only visible to the token that created them.`,
      );
    return job;
  }

  /**
   * Waits up to `seconds` for the job to end and returns it as it is then, with the outputs of
   * `load` (by default the plan and the answer).
   */
  async waitForEnd(
    principal: Principal,
    job: StoredJob,
    seconds: number,
    signal?: AbortSignal,
    load?: readonly Phase[],
  ): Promise<StoredJob> {
    if (isTerminal(job.status) || seconds <= 0) return job;
    // Every wait (GET ?wait, POST /orchestrate) ends early when the server shuts down.
    const stop = new AbortController();
    const abort = () => stop.abort();
    const sources = [signal, this.deps.closing].filter((s): s is AbortSignal => s !== undefined);
    for (const source of sources) source.addEventListener("abort", abort, { once: true });
    try {
      if (!sources.some((s) => s.aborted)) {
        await this.deps.events.waitForEnd(
          job.id,
          seconds * 1000,
          () => this.deps.store.status(job.id),
          stop.signal,
        );
      }
    } finally {
      for (const source of sources) source.removeEventListener("abort", abort);
    }
    return this.get(principal, job.id, load);
  }

  /**
   * Cancels a job that has not ended: the record ends as cancelled (a running phase stops
   * through the workers' cancellation watcher and cannot save), and phase jobs still waiting
   * in their queues are removed so they never start. An ended job is a 409 saying when it ended.
   */
  async cancel(principal: Principal, id: string): Promise<StoredJob> {
    const job = await this.get(principal, id);
    if (!isTerminal(job.status)) {
      const status = await this.deps.store.end(id, "cancelled", {
        code: "cancelled",
        message: "cancelled by the client",
        ...(job.phase ? { phase: job.phase } : {}),
      });
      if (status === "cancelled") {
        const remove = (phase: Phase, round = 1) =>
          this.deps.queues.removeWaiting(phase, id, round).catch(() => false);
        // A drill-down round's phases are queued under their round: the one the job is in is removed too.
        const round = job.round > 1 ? [remove("execution", job.round), remove("feedback", job.round)] : [];
        await Promise.all([...PHASES.map((phase) => remove(phase)), ...round]);
        return this.get(principal, id);
      }
    }
    const ended = await this.get(principal, id);
    const at = ended.finished_at ?? ended.updated_at;
    const detail = `Job ${id} already ${ended.status} at ${at}; only a job that has not ended can be cancelled.`;
    throw new Conflict(detail, { job_id: id, job_status: ended.status, finished_at: at });
  }
}

/**
 * Waits for the replicas (queue.replica_acks) to hold a new job's writes. If Redis cannot even
 * answer, the job may be gone with its master: the caller is told to retry (an Idempotency-Key
 * makes the retry find the same job).
 */
export async function confirmReplicated(
  replicas: { confirm(): Promise<unknown> } | undefined,
): Promise<void> {
  if (!replicas) return;
  try {
    await replicas.confirm();
  } catch (error) {
    throw new AppError(
      "unavailable",
      "The job was queued but Redis did not confirm it was stored; retry with the same Idempotency-Key.",
      {},
      { cause: error },
    );
  }
}
