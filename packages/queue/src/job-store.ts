import type { RedisClient } from "./redis-connection.js";
import {
  EMPTY_USAGE,
  PHASES,
  roundPhaseKey,
  type JobError,
  type JobRequest,
  type JobStatus,
  type Phase,
  type StepDraft,
  type TraceStep,
  type Usage,
} from "@orch/core";
import { globalKeys, jobKeys } from "./job-keys.js";
import { newJobId } from "./job-id.js";
import { parseRounds, roundEvidenceKeys, roundKeys } from "./job-rounds.js";
import type {
  JobTrace,
  NextClaim,
  PhaseSaveRequest,
  PhaseSlot,
  StoredJob,
  TraceSummary,
} from "./job-record.js";
import { jobTrace, traceSummary } from "./job-trace.js";
import { OwnerJobs, type OwnerJobsPage, type OwnerJobsQuery } from "./owner-jobs.js";
import { parseStoredJob } from "./stored-job.js";
import { JOB_SCHEMA_VERSION } from "./record-schema.js";
import { decodeOutput, EncodedOutput } from "./output-codec.js";
import { BEGIN_PHASE, COMPLETE_PHASE, CREATE_JOB, EMIT_EVENTS, END_JOB } from "./job-scripts.js";

export type BeginResult =
  | { readonly state: "started"; readonly runs: number }
  | { readonly state: "done" }
  | { readonly state: "terminal"; readonly status: JobStatus }
  | { readonly state: "expired" }
  | { readonly state: "missing" }
  | { readonly state: "waiting" }
  /** Written by a newer version: not claimed, left for a process that reads it. */
  | { readonly state: "newer"; readonly schema: number };

export interface NewJob {
  readonly owner: string;
  readonly request: JobRequest;
  readonly deadlineMs: number;
  readonly callbackUrl?: string;
}

/** A job that just reached completed, failed or cancelled. */
export interface JobEnd {
  readonly id: string;
  readonly owner: string;
  readonly status: "completed" | "failed" | "cancelled";
}

export interface JobStoreOptions {
  /** How long ended jobs stay readable (seconds). */
  readonly retentionSeconds: number;
  /** How long an ended job's evidence stays (seconds); the retention when absent or longer. */
  readonly evidenceRetentionSeconds?: number;
  readonly now?: () => number;
  /**
   * Called once, in the process that ended the job, right after the transition was saved
   * (webhooks, metrics). A failing hook is reported to `onHookError`, never to the caller.
   */
  readonly onEnd?: (end: JobEnd) => Promise<void> | void;
  readonly onHookError?: (error: unknown, end: JobEnd) => void;
}

/** What `get` loads unless asked otherwise: the plan and the answer, not the (large) evidence. */
const DEFAULT_OUTPUTS: readonly Phase[] = ["planning", "feedback"];

/**
 * The job record in Redis: the source of truth for clients. Phase transitions go through Lua
 * scripts that check state first, so a re-delivered phase job can never apply twice.
 */
export class JobStore {
  private readonly now: () => number;
  private readonly owners: OwnerJobs;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: JobStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.owners = new OwnerJobs(redis, options.retentionSeconds);
    for (const script of [CREATE_JOB, BEGIN_PHASE, COMPLETE_PHASE, END_JOB, EMIT_EVENTS])
      void script.define(redis);
  }

  /** The keys every job script takes: record, steps, events, then the three phase outputs. */
  private keys(id: string): string[] {
    return [
      jobKeys.record(id),
      jobKeys.steps(id),
      jobKeys.events(id),
      ...PHASES.map((phase) => jobKeys.output(id, phase)),
    ];
  }

  /** Every key of a job (the end scripts expire them all). */
  private allKeys(id: string): string[] {
    return [...this.keys(id), ...roundKeys(id)];
  }

  /**
   * Creates the record of a new job (status queued) and returns it as stored. The job also joins
   * the unqueued set until `markQueued`, so a submitter that dies before queueing it strands nothing.
   */
  async create(job: NewJob, id?: string): Promise<StoredJob> {
    return (await this.createCounted(job, id)).job;
  }

  /**
   * `create`, also answering how many jobs of the owner were in flight before this one (counted
   * in the same command that adds it to the owner's indexes, so concurrent submissions each see
   * the ones before them).
   */
  async createCounted(
    job: NewJob,
    id = newJobId(this.now()),
  ): Promise<{ readonly job: StoredJob; readonly inFlightBefore: number }> {
    const now = this.now();
    const at = new Date(now).toISOString();
    const ttl = Math.ceil((job.deadlineMs - now) / 1000) + this.options.retentionSeconds;
    const fields: Record<string, string> = {
      id,
      owner: job.owner,
      status: "queued",
      request: JSON.stringify(job.request),
      created_at: at,
      updated_at: at,
      deadline_ms: String(job.deadlineMs),
      schema: String(JOB_SCHEMA_VERSION),
    };
    if (job.callbackUrl) fields.callback_url = job.callbackUrl;
    const queuedEvent = JSON.stringify({ status: "queued", at });
    // The job's own keys change atomically in one script (one slot), the owner's indexes in another
    // (the owner's slot); the global indexes live on other Redis Cluster slots. All are sent in one
    // turn of the event loop: one round trip.
    const [, , , inFlightBefore] = await Promise.all([
      CREATE_JOB.run(this.redis, this.keys(id), [ttl, queuedEvent, ...Object.entries(fields).flat()]),
      this.redis.zadd(globalKeys.deadlines, job.deadlineMs, id),
      this.redis.zadd(globalKeys.unqueued, now, id),
      this.owners.add({ owner: job.owner, id, deadlineMs: job.deadlineMs }, now, ttl),
    ]);
    const stored: StoredJob = {
      id,
      owner: job.owner,
      status: "queued",
      request: job.request,
      created_at: at,
      updated_at: at,
      deadline_ms: job.deadlineMs,
      schema: JOB_SCHEMA_VERSION,
      outputs: {},
      saved: [],
      usage: { ...EMPTY_USAGE },
      runs: { planning: 0, execution: 0, feedback: 0 },
      round: 1,
      round_runs: {},
      round_ms: {},
      phase_ms: {},
      step_count: 0,
      ...(job.callbackUrl ? { callback_url: job.callbackUrl } : {}),
    };
    return { job: stored, inFlightBefore };
  }

  /** Takes back a job just created and never queued (refused after the fact): its keys and indexes. */
  async discard(job: StoredJob): Promise<void> {
    await Promise.all([
      this.redis.del(...this.keys(job.id)),
      this.redis.zrem(globalKeys.deadlines, job.id),
      this.redis.zrem(globalKeys.unqueued, job.id),
      this.redis.zrem(globalKeys.inFlight(job.owner), job.id),
      this.owners.remove(job.owner, job.id),
    ]);
  }

  /** A page of an owner's jobs, newest first (GET /jobs); records without outputs. */
  async listOwned(owner: string, query: OwnerJobsQuery): Promise<OwnerJobsPage> {
    return this.owners.page(owner, query, (ids) => Promise.all(ids.map((id) => this.get(id, []))));
  }

  /** The job's planning phase is in its queue: it leaves the unqueued set. */
  async markQueued(id: string): Promise<void> {
    await this.redis.zrem(globalKeys.unqueued, id);
  }

  /** Jobs written more than `olderThanMs` ago whose planning phase was never confirmed queued. */
  async unqueued(olderThanMs: number, limit = 100): Promise<string[]> {
    const before = this.now() - olderThanMs;
    return this.redis.zrangebyscore(globalKeys.unqueued, "-inf", String(before), "LIMIT", 0, limit);
  }

  /**
   * The job as stored, with the outputs of the phases in `load` (those saved): the evidence can be
   * large, so readers ask only for what they use. By default the plan and the answer.
   */
  async get(
    id: string,
    load: readonly Phase[] = DEFAULT_OUTPUTS,
    rounds = false,
  ): Promise<StoredJob | undefined> {
    const extraKeys = rounds ? roundKeys(id) : [];
    const [hash, stepCount, ...raw] = await Promise.all([
      this.redis.hgetall(jobKeys.record(id)),
      this.redis.llen(jobKeys.steps(id)),
      ...load.map((phase) => this.redis.getBuffer(jobKeys.output(id, phase))),
      ...extraKeys.map((key) => this.redis.getBuffer(key)),
    ]);
    if (!hash || !hash.id) return undefined;
    const texts = await Promise.all(
      load.map(async (phase, i) => {
        const stored = raw[i];
        return stored instanceof Buffer ? ([phase, await decodeOutput(stored)] as const) : undefined;
      }),
    );
    const outputs = new Map(texts.filter((t) => t !== undefined));
    const job = parseStoredJob(hash, stepCount, outputs);
    if (!rounds) return job;
    const extra = await Promise.all(
      raw
        .slice(load.length)
        .map((stored) => (stored instanceof Buffer ? decodeOutput(stored) : Promise.resolve(undefined))),
    );
    return { ...job, outputs: { ...job.outputs, ...parseRounds(extra) } };
  }

  /** The job if it exists and belongs to `owner`; others' jobs are indistinguishable from missing ones. */
  async getOwned(
    id: string,
    owner: string,
    load: readonly Phase[] = DEFAULT_OUTPUTS,
  ): Promise<StoredJob | undefined> {
    const job = await this.get(id, load);
    return job && job.owner === owner ? job : undefined;
  }

  async status(id: string): Promise<JobStatus | undefined> {
    const status = await this.redis.hget(jobKeys.record(id), "status");
    return (status ?? undefined) as JobStatus | undefined;
  }

  /**
   * Marks a phase as running unless it already ran, the job ended, its deadline passed, or the
   * phase before it has not saved yet.
   */
  async beginPhase(id: string, phase: Phase, runningStatus: JobStatus, round = 1): Promise<BeginResult> {
    const now = this.now();
    // Round r's execution follows round r-1's feedback (which saved its drill-down plan).
    const before =
      round > 1 && phase === "execution"
        ? roundPhaseKey("feedback", round - 1)
        : phase === "planning"
          ? ""
          : roundPhaseKey(PHASES[PHASES.indexOf(phase) - 1] ?? "", round);
    const reply = (await BEGIN_PHASE.run(this.redis, this.keys(id), [
      globalKeys.eventsChannel,
      roundPhaseKey(phase, round),
      runningStatus,
      new Date(now).toISOString(),
      String(now),
      before,
      phase,
      String(round),
      String(JOB_SCHEMA_VERSION),
    ])) as [string, string?];
    const [state, value] = reply;
    if (state === "started") return { state, runs: Number(value) };
    if (state === "newer") return { state, schema: Number(value) };
    if (state === "terminal") return { state, status: value as JobStatus };
    return { state: state as "done" | "expired" | "missing" | "waiting" };
  }

  /**
   * Saves a phase's output, steps and usage and moves the job to `nextStatus` in one step.
   * Returns false when the job ended meanwhile (cancelled, failed) or the phase was already saved.
   */
  async completePhase(
    id: string,
    phase: Phase,
    output: unknown,
    steps: readonly StepDraft[],
    usage: Partial<Usage>,
    nextStatus: JobStatus,
    fields: Readonly<Record<string, string>> = {},
    slot: PhaseSlot = { round: 1 },
  ): Promise<boolean> {
    const [state, owner] = await this.save(id, { phase, output, steps, usage, fields, slot }, nextStatus);
    if (
      state === "ok" &&
      (nextStatus === "completed" || nextStatus === "failed" || nextStatus === "cancelled")
    ) {
      await this.ended({ id, owner: owner ?? "", status: nextStatus });
    }
    return state === "ok";
  }

  /**
   * `completePhase` for a phase with a successor this process runs at once: the same script, once
   * the save landed, claims `next` as `beginPhase` would (its running status the save's next
   * status). Returns the claim ("started" or "expired"), or undefined when the save was refused.
   */
  async completeAndBegin(
    id: string,
    save: PhaseSaveRequest,
    next: NextClaim,
  ): Promise<BeginResult | undefined> {
    const [state, , claim, runs] = await this.save(id, save, next.status, next);
    if (state !== "ok") return undefined;
    return claim === "started" ? { state: claim, runs: Number(runs) } : { state: "expired" };
  }

  /** The save both complete methods make; its reply is the COMPLETE_PHASE script's. */
  private async save(
    id: string,
    { phase, output, steps, usage, fields = {}, slot = { round: 1 } }: PhaseSaveRequest,
    nextStatus: JobStatus,
    claim?: NextClaim,
  ): Promise<[string, string?, string?, string?]> {
    // Encoded first when it was not: the save then goes out with no wait between its commands.
    const stored = (output instanceof EncodedOutput ? output : await EncodedOutput.of(output)).data;
    const now = this.now();
    const key = roundPhaseKey(phase, slot.round);
    const staged = jobKeys.staged(id, key);
    // The answer is always the feedback output, whichever round wrote it: readers need not know rounds.
    const destination =
      slot.drillRound !== undefined
        ? jobKeys.drillPlan(id, slot.drillRound)
        : jobKeys.output(id, phase === "feedback" ? phase : key);
    // The output goes over as a plain SET (fast for any size) in the same tick as the script,
    // which moves it into place only if the save is allowed; both keys share the job's slot.
    const [, reply] = await Promise.all([
      this.redis.set(staged, stored, "EX", this.options.retentionSeconds + 3600),
      COMPLETE_PHASE.run(
        this.redis,
        [...this.keys(id), staged, destination, ...roundKeys(id)],
        [
          globalKeys.eventsChannel,
          key,
          nextStatus,
          new Date(now).toISOString(),
          String(this.options.retentionSeconds),
          JSON.stringify(
            Object.fromEntries(Object.entries(usage).filter(([, v]) => typeof v === "number" && v !== 0)),
          ),
          JSON.stringify(fields),
          phase,
          String(slot.round),
          claim ? roundPhaseKey(claim.phase, claim.round) : "",
          claim?.phase ?? "",
          String(claim?.round ?? ""),
          String(now),
          ...steps.map((s) => JSON.stringify(s)),
        ],
      ),
    ]);
    return reply as [string, string?, string?, string?];
  }

  /** Ends a job as failed or cancelled unless it already ended; returns the status it has afterwards. */
  async end(id: string, status: "failed" | "cancelled", error: JobError): Promise<JobStatus | undefined> {
    const [state, value, owner] = (await END_JOB.run(this.redis, this.allKeys(id), [
      globalKeys.eventsChannel,
      status,
      JSON.stringify(error),
      new Date(this.now()).toISOString(),
      String(this.options.retentionSeconds),
    ])) as [string, string?, string?];
    if (state === "missing") {
      await this.redis.zrem(globalKeys.deadlines, id);
      return undefined;
    }
    if (state === "ok") await this.ended({ id, owner: owner ?? "", status });
    return value as JobStatus;
  }

  /**
   * Bookkeeping after a job ended here: deadline and in-flight indexes, the evidence's shorter
   * life (answers are kept for the retention, the data behind them for less), then the hook.
   */
  private async ended(end: JobEnd): Promise<void> {
    const evidenceTtl = this.options.evidenceRetentionSeconds;
    // Plain commands rather than a pipeline: ioredis copies every script of the connection (BullMQ's
    // included) onto each pipeline it builds, which costs more than the writes it would save; and
    // in Redis Cluster these keys live on different slots.
    await Promise.all([
      this.redis.zrem(globalKeys.deadlines, end.id),
      this.redis.zrem(globalKeys.unqueued, end.id),
      this.redis.zrem(globalKeys.inFlight(end.owner), end.id),
      evidenceTtl !== undefined && evidenceTtl < this.options.retentionSeconds
        ? Promise.all(
            [jobKeys.output(end.id, "execution"), ...roundEvidenceKeys(end.id)].map((key) =>
              this.redis.expire(key, evidenceTtl),
            ),
          )
        : undefined,
    ]);
    if (!this.options.onEnd) return;
    try {
      await this.options.onEnd(end);
    } catch (error) {
      this.options.onHookError?.(error, end);
    }
  }

  /** Unfinished jobs of an owner (jobs past their deadline no longer count). */
  async inFlight(owner: string): Promise<number> {
    const key = globalKeys.inFlight(owner);
    // Entries past their deadline no longer count (the sweeper ends those jobs, which removes them).
    return this.redis.zcount(key, String(this.now()), "+inf");
  }

  /** Publishes a live event (e.g. a step as it happens) on the job's stream, unless it ended. */
  async emit(id: string, kind: string, payload: unknown): Promise<void> {
    await this.emitMany(id, [{ kind, payload }]);
  }

  /** Publishes several live events in one call, in order, unless the job ended. */
  async emitMany(id: string, events: ReadonlyArray<{ kind: string; payload: unknown }>): Promise<void> {
    if (events.length === 0) return;
    await EMIT_EVENTS.run(this.redis, this.keys(id), [
      globalKeys.eventsChannel,
      ...events.flatMap((e) => [e.kind, JSON.stringify(e.payload)]),
    ]);
  }

  async steps(id: string): Promise<TraceStep[]> {
    const raw = await this.redis.lrange(jobKeys.steps(id), 0, -1);
    return raw.map((s) => JSON.parse(s) as TraceStep);
  }

  /** The full reasoning trace: the summary plus usage, the plan and every step. */
  async trace(job: StoredJob): Promise<JobTrace> {
    return jobTrace(job, await this.steps(job.id), this.now());
  }

  /** The trace's headline figures, from the record alone (the seed's `reasoning_trace`). */
  traceSummary(job: StoredJob): TraceSummary {
    return traceSummary(job, this.now());
  }

  /** Ids of unfinished jobs whose deadline has passed. */
  async expired(limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(globalKeys.deadlines, "-inf", String(this.now()), "LIMIT", 0, limit);
  }
}
