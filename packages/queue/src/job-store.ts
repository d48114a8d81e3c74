import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import {
  EMPTY_USAGE,
  PHASES,
  type JobError,
  type JobRequest,
  type JobStatus,
  type Phase,
  type ServiceScope,
  type StepDraft,
  type TraceStep,
  type Usage,
} from "@orch/core";
import { globalKeys, jobKeys } from "./job-keys.js";
import type { JobTrace, PhaseOutputs, StoredJob } from "./job-record.js";
import { BEGIN_PHASE, COMPLETE_PHASE, EMIT_EVENT, END_JOB } from "./job-scripts.js";

export type BeginResult =
  | { readonly state: "started"; readonly runs: number }
  | { readonly state: "done" }
  | { readonly state: "terminal"; readonly status: JobStatus }
  | { readonly state: "expired" }
  | { readonly state: "missing" };

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
  readonly now?: () => number;
  /**
   * Called once, in the process that ended the job, right after the transition was saved
   * (webhooks, metrics). A failing hook is reported to `onHookError`, never to the caller.
   */
  readonly onEnd?: (end: JobEnd) => Promise<void> | void;
  readonly onHookError?: (error: unknown, end: JobEnd) => void;
}

/** Sortable, URL-safe, unguessable job ids: time prefix + 80 random bits. */
export function newJobId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, "0")}${randomBytes(10).toString("base64url")}`;
}

const USAGE_FIELDS = [
  "llm_calls",
  "prompt_tokens",
  "completion_tokens",
  "datadog_calls",
  "cache_hits",
] as const;

function parseJson<T>(text: string | undefined): T | undefined {
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

/**
 * The job record in Redis: the source of truth for clients. Phase transitions go through Lua
 * scripts that check state first, so a re-delivered phase job can never apply twice.
 */
export class JobStore {
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly options: JobStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  private keys(id: string): [string, string, string] {
    return [jobKeys.record(id), jobKeys.steps(id), jobKeys.events(id)];
  }

  /** Creates the record of a new job (status queued) and returns its id. */
  async create(job: NewJob, id = newJobId(this.now())): Promise<string> {
    const at = new Date(this.now()).toISOString();
    const [record, steps, events] = this.keys(id);
    const ttl = Math.ceil((job.deadlineMs - this.now()) / 1000) + this.options.retentionSeconds;
    const fields: Record<string, string> = {
      id,
      owner: job.owner,
      status: "queued",
      request: JSON.stringify(job.request),
      created_at: at,
      updated_at: at,
      deadline_ms: String(job.deadlineMs),
    };
    if (job.callbackUrl) fields.callback_url = job.callbackUrl;
    await this.redis
      .multi()
      .hset(record, fields)
      .expire(record, ttl)
      .xadd(
        events,
        "MAXLEN",
        "~",
        "5000",
        "*",
        "type",
        "status",
        "data",
        JSON.stringify({ status: "queued", at }),
      )
      .expire(events, ttl)
      .exec();
    void steps;
    await this.redis
      // A pipeline, not MULTI: these keys live on different Redis Cluster slots.
      .pipeline()
      .zadd(globalKeys.deadlines, job.deadlineMs, id)
      .zadd(globalKeys.inFlight(job.owner), job.deadlineMs, id)
      .expire(globalKeys.inFlight(job.owner), Math.ceil((job.deadlineMs - this.now()) / 1000) + 60)
      .exec();
    return id;
  }

  async get(id: string): Promise<StoredJob | undefined> {
    const [record, steps] = this.keys(id);
    const [[, hash], [, stepCount]] = (await this.redis.multi().hgetall(record).llen(steps).exec()) as [
      [unknown, Record<string, string>],
      [unknown, number],
    ];
    if (!hash || !hash.id) return undefined;
    const usage = Object.fromEntries(
      USAGE_FIELDS.map((f) => [f, Number(hash[`u:${f}`] ?? 0)]),
    ) as unknown as Usage;
    const outputs: PhaseOutputs = {
      ...(hash["out:planning"] ? { planning: parseJson(hash["out:planning"]) } : {}),
      ...(hash["out:execution"] ? { execution: parseJson(hash["out:execution"]) } : {}),
      ...(hash["out:feedback"] ? { feedback: parseJson(hash["out:feedback"]) } : {}),
    };
    const runs = Object.fromEntries(PHASES.map((p) => [p, Number(hash[`runs:${p}`] ?? 0)])) as Record<
      Phase,
      number
    >;
    return {
      id: hash.id,
      owner: hash.owner ?? "",
      status: (hash.status ?? "queued") as JobStatus,
      ...(hash.phase ? { phase: hash.phase as Phase } : {}),
      request: JSON.parse(hash.request ?? "{}") as JobRequest,
      created_at: hash.created_at ?? "",
      updated_at: hash.updated_at ?? "",
      ...(hash.started_at ? { started_at: hash.started_at } : {}),
      ...(hash.finished_at ? { finished_at: hash.finished_at } : {}),
      deadline_ms: Number(hash.deadline_ms ?? 0),
      outputs,
      ...(hash.error ? { error: JSON.parse(hash.error) as JobError } : {}),
      usage: { ...EMPTY_USAGE, ...usage },
      ...(hash.reasoner ? { reasoner: hash.reasoner } : {}),
      ...(hash.data_source ? { data_source: hash.data_source } : {}),
      ...(hash.callback_url ? { callback_url: hash.callback_url } : {}),
      ...(hash.service_scope ? { service_scope: JSON.parse(hash.service_scope) as ServiceScope } : {}),
      runs,
      step_count: stepCount ?? 0,
    };
  }

  /** The job if it exists and belongs to `owner`; others' jobs are indistinguishable from missing ones. */
  async getOwned(id: string, owner: string): Promise<StoredJob | undefined> {
    const job = await this.get(id);
    return job && job.owner === owner ? job : undefined;
  }

  async status(id: string): Promise<JobStatus | undefined> {
    const status = await this.redis.hget(jobKeys.record(id), "status");
    return (status ?? undefined) as JobStatus | undefined;
  }

  /** Marks a phase as running unless it already ran, the job ended, or its deadline passed. */
  async beginPhase(id: string, phase: Phase, runningStatus: JobStatus): Promise<BeginResult> {
    const now = this.now();
    const reply = (await this.redis.eval(
      BEGIN_PHASE,
      3,
      ...this.keys(id),
      globalKeys.eventsChannel,
      phase,
      runningStatus,
      new Date(now).toISOString(),
      String(now),
    )) as [string, string?];
    const [state, value] = reply;
    if (state === "started") return { state, runs: Number(value) };
    if (state === "terminal") return { state, status: value as JobStatus };
    return { state: state as "done" | "expired" | "missing" };
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
  ): Promise<boolean> {
    const now = this.now();
    const [state, owner] = (await this.redis.eval(
      COMPLETE_PHASE,
      3,
      ...this.keys(id),
      globalKeys.eventsChannel,
      phase,
      JSON.stringify(output),
      nextStatus,
      new Date(now).toISOString(),
      String(this.options.retentionSeconds),
      JSON.stringify(
        Object.fromEntries(Object.entries(usage).filter(([, v]) => typeof v === "number" && v !== 0)),
      ),
      JSON.stringify(fields),
      ...steps.map((s) => JSON.stringify(s)),
    )) as [string, string?];
    if (
      state === "ok" &&
      (nextStatus === "completed" || nextStatus === "failed" || nextStatus === "cancelled")
    ) {
      await this.ended({ id, owner: owner ?? "", status: nextStatus });
    }
    return state === "ok";
  }

  /** Ends a job as failed or cancelled unless it already ended; returns the status it has afterwards. */
  async end(id: string, status: "failed" | "cancelled", error: JobError): Promise<JobStatus | undefined> {
    const [state, value, owner] = (await this.redis.eval(
      END_JOB,
      3,
      ...this.keys(id),
      globalKeys.eventsChannel,
      status,
      JSON.stringify(error),
      new Date(this.now()).toISOString(),
      String(this.options.retentionSeconds),
    )) as [string, string?, string?];
    if (state === "missing") {
      await this.redis.zrem(globalKeys.deadlines, id);
      return undefined;
    }
    if (state === "ok") await this.ended({ id, owner: owner ?? "", status });
    return value as JobStatus;
  }

  /** Bookkeeping after a job ended here: deadline and in-flight indexes, then the hook. */
  private async ended(end: JobEnd): Promise<void> {
    await this.redis
      .pipeline()
      .zrem(globalKeys.deadlines, end.id)
      .zrem(globalKeys.inFlight(end.owner), end.id)
      .exec();
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
    const [, [, count]] = (await this.redis
      .multi()
      .zremrangebyscore(key, "-inf", String(this.now()))
      .zcard(key)
      .exec()) as [[unknown, number], [unknown, number]];
    return count;
  }

  /** Publishes a live event (e.g. a step as it happens) on the job's stream, unless it ended. */
  async emit(id: string, kind: string, payload: unknown): Promise<void> {
    await this.redis.eval(
      EMIT_EVENT,
      3,
      ...this.keys(id),
      globalKeys.eventsChannel,
      kind,
      JSON.stringify(payload),
    );
  }

  async steps(id: string): Promise<TraceStep[]> {
    const raw = await this.redis.lrange(jobKeys.steps(id), 0, -1);
    return raw.map((s) => JSON.parse(s) as TraceStep);
  }

  async trace(job: StoredJob): Promise<JobTrace> {
    const steps = await this.steps(job.id);
    const start = Date.parse(job.started_at ?? job.created_at);
    const end = job.finished_at ? Date.parse(job.finished_at) : this.now();
    const phases = PHASES.filter((p) => job.outputs[p] !== undefined);
    return {
      job_id: job.id,
      status: job.status,
      total_steps: steps.length,
      execution_time_ms: Math.max(0, end - start),
      phases,
      confidence_score: job.outputs.feedback?.confidence ?? null,
      reasoner: job.reasoner ?? null,
      data_source: job.data_source ?? null,
      usage: job.usage,
      plan: job.outputs.planning?.plan ?? null,
      steps,
    };
  }

  /** Ids of unfinished jobs whose deadline has passed. */
  async expired(limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(globalKeys.deadlines, "-inf", String(this.now()), "LIMIT", 0, limit);
  }
}
