import { Counter, Gauge, type Registry } from "prom-client";
import { AppError, PHASES } from "@orch/core";
import {
  readRedisMemory,
  type CapacityBoard,
  type CapacitySummary,
  type PhaseQueues,
  type RedisClient,
} from "@orch/queue";
import { sharedMetric } from "@orch/runtime";

/** What admission control is told by configuration. */
export interface AdmissionSettings {
  /** Seconds a job has from submission (orchestrator.job_deadline_seconds). */
  readonly deadlineSeconds: number;
  /** Jobs queued or running in all, beyond which new ones are refused (api.admission.max_queued_jobs). */
  readonly maxQueuedJobs: number;
  /** Share of Redis maxmemory in use beyond which new jobs are refused (api.admission.max_redis_memory_ratio). */
  readonly maxRedisMemoryRatio: number;
  /** Datadog requests a second the deployment may send (datadog.requests_per_second). */
  readonly datadogRequestsPerSecond: number;
}

export interface AdmissionControlDeps {
  readonly redis: RedisClient;
  readonly queues: PhaseQueues;
  readonly board: CapacityBoard;
  readonly settings: AdmissionSettings;
  readonly registry: Registry;
  readonly now?: () => number;
  /** How often the state is sampled; default 1 s. */
  readonly sampleEveryMs?: number;
}

/** The state a decision is made on, sampled every second (never on the request path). */
export interface AdmissionSample {
  /** Phase jobs waiting, delayed or running: the unfinished jobs, one phase job each. */
  readonly backlog: number;
  readonly capacity: CapacitySummary;
  /** What `jobsPerSecond` makes of the capacity, worked out once a sample rather than on every request. */
  readonly jobsPerSecond: number | null;
  /** used_memory / maxmemory; null when Redis has no maxmemory. */
  readonly redisMemoryRatio: number | null;
}

/** The share of a job's deadline its start may be estimated to take: the rest is its own work and error. */
const START_SHARE = 0.5;
const MAX_RETRY_AFTER_SECONDS = 60;

type Reason = "queued_jobs" | "redis_memory" | "start_after_deadline";

/**
 * Jobs a second the deployment completes at most: the slowest phase over all live workers, and
 * the Datadog budget divided by the requests an execution makes. Null while nothing is measured.
 */
export function jobsPerSecond(capacity: CapacitySummary, datadogPerSecond: number): number | null {
  const rates = PHASES.map((p) => capacity.phaseRates[p]).filter((r): r is number => r !== null);
  if (rates.length === 0) return null;
  const calls = capacity.datadogCallsPerJob;
  const datadog = calls !== null && calls > 0 ? datadogPerSecond / calls : Infinity;
  return Math.min(...rates, datadog);
}

/**
 * Accepts a job only when it can start in time: the unfinished jobs ahead of it, at the rate the
 * workers measured (and the Datadog budget allows), must drain within half its deadline, less its
 * own work; and only while the queues and Redis memory are under their global caps. A refusal is
 * a 503 with Retry-After (the per-token limits stay 429). Decisions read a sample taken every
 * second, plus the jobs this process accepted since, so the request path costs nothing.
 */
export class AdmissionControl {
  private sample?: AdmissionSample;
  private acceptedSince = 0;
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly refused: Counter<"reason">;
  private readonly gauges: {
    backlog: Gauge;
    rate: Gauge;
    start: Gauge;
    memory: Gauge;
  };

  constructor(private readonly deps: AdmissionControlDeps) {
    this.now = deps.now ?? Date.now;
    const once = <M extends Counter<"reason"> | Gauge>(name: string, create: (r: Registry[]) => M) =>
      sharedMetric(deps.registry, name, create);
    this.refused = once(
      "orch_admission_refused_total",
      (registers) =>
        new Counter({
          name: "orch_admission_refused_total",
          help: "Jobs refused by admission control (503), by reason",
          labelNames: ["reason"],
          registers,
        }),
    );
    const gauge = (name: string, help: string) =>
      once(name, (registers) => new Gauge({ name, help, registers }));
    this.gauges = {
      backlog: gauge("orch_admission_backlog_jobs", "Unfinished jobs (queued or running) at the last sample"),
      rate: gauge(
        "orch_admission_capacity_jobs_per_second",
        "Jobs a second the live workers complete at most, as measured (and the Datadog budget allows)",
      ),
      start: gauge(
        "orch_admission_estimated_start_seconds",
        "Estimated wait before a job submitted now starts",
      ),
      memory: gauge(
        "orch_redis_memory_used_ratio",
        "Redis used_memory over maxmemory (absent without maxmemory)",
      ),
    };
  }

  /** Samples now, then every second. */
  async start(): Promise<void> {
    await this.refresh().catch(() => undefined);
    this.timer = setInterval(() => {
      this.refresh().catch(() => undefined);
    }, this.deps.sampleEveryMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Takes a sample of the queues, the workers' capacity and Redis memory. */
  async refresh(): Promise<AdmissionSample> {
    const [depths, capacity, memory] = await Promise.all([
      this.deps.queues.depths(),
      this.deps.board.read(this.now()),
      readRedisMemory(this.deps.redis),
    ]);
    const backlog = PHASES.reduce((total, phase) => {
      const d = depths[phase];
      return total + (d.waiting ?? 0) + (d.active ?? 0) + (d.delayed ?? 0) + (d.prioritized ?? 0);
    }, 0);
    const rate = jobsPerSecond(capacity, this.deps.settings.datadogRequestsPerSecond);
    const sample: AdmissionSample = {
      backlog,
      capacity,
      jobsPerSecond: rate,
      redisMemoryRatio: memory.maxBytes > 0 ? memory.usedBytes / memory.maxBytes : null,
    };
    this.sample = sample;
    this.acceptedSince = 0;
    this.gauges.backlog.set(backlog);
    if (rate !== null) {
      this.gauges.rate.set(rate);
      this.gauges.start.set(backlog / rate);
    }
    if (sample.redisMemoryRatio !== null) this.gauges.memory.set(sample.redisMemoryRatio);
    return sample;
  }

  /** Counts a job this process accepted, until the next sample sees it. */
  accepted(): void {
    this.acceptedSince += 1;
  }

  /** The refusal of a new job now (503 with Retry-After), or undefined to accept it. */
  check(): AppError | undefined {
    const sample = this.sample;
    if (!sample) return undefined;
    const { settings } = this.deps;
    const backlog = sample.backlog + this.acceptedSince;
    const rate = sample.jobsPerSecond;
    const drain = (over: number) =>
      Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(rate ? over / rate : 5)));
    if (backlog >= settings.maxQueuedJobs) {
      return this.refuse(
        "queued_jobs",
        `The service has ${backlog} jobs queued or running, its limit; retry later.`,
        drain(backlog - settings.maxQueuedJobs + 1),
        { backlog, limit: settings.maxQueuedJobs },
      );
    }
    if (sample.redisMemoryRatio !== null && sample.redisMemoryRatio >= settings.maxRedisMemoryRatio) {
      return this.refuse(
        "redis_memory",
        `The job store is ${Math.round(sample.redisMemoryRatio * 100)} % full; retry later.`,
        30,
        { redis_memory_ratio: Number(sample.redisMemoryRatio.toFixed(3)) },
      );
    }
    if (rate === null) return undefined;
    const own = sample.capacity.jobSeconds ?? 0;
    const allowed = Math.max(0, settings.deadlineSeconds * START_SHARE - own);
    const startIn = backlog / rate;
    if (startIn <= allowed) return undefined;
    return this.refuse(
      "start_after_deadline",
      `The service is busy: a job submitted now would start in about ${Math.ceil(startIn)} s, too late for its ${settings.deadlineSeconds} s deadline; retry later.`,
      drain(backlog - allowed * rate),
      { estimated_start_seconds: Math.ceil(startIn), jobs_per_second: Number(rate.toFixed(2)) },
    );
  }

  private refuse(reason: Reason, message: string, retryAfter: number, details: Record<string, unknown>) {
    this.refused.labels(reason).inc();
    return new AppError("unavailable", message, { reason, ...details, retry_after_seconds: retryAfter });
  }
}
