import type { AddedLatencyResult } from "../added-latency.js";
import type { CacheResult } from "../cache.js";
import type { CrashStormResult } from "../crash-storm.js";
import type { EnqueueResult, EnqueueSummary } from "../enqueue.js";
import type { PipelineResult } from "../pipeline.js";
import type { TokensResult } from "../tokens.js";
import type { Machine } from "./machine.js";
import { LOAD_TOKENS } from "./service-stack.js";
import { round } from "./stats.js";

export interface BenchResults {
  readonly machine: Machine;
  readonly quick: boolean;
  readonly seconds: number;
  readonly enqueue?: EnqueueResult;
  readonly pipeline?: PipelineResult;
  readonly crash_storm?: CrashStormResult;
  readonly added_latency?: AddedLatencyResult;
  readonly cache?: CacheResult;
  readonly tokens?: TokensResult;
  readonly errors: Readonly<Record<string, string>>;
}

/** The targets of the benchmark issue, checked against a run. */
export function targets(r: BenchResults): Array<{ target: string; value: string; met: boolean }> {
  const rows: Array<{ target: string; value: string; met: boolean }> = [];
  if (r.enqueue)
    rows.push({
      target: "enqueue ≥ 0.5× bare Koa + queue.add",
      value: `${r.enqueue.ratio}×`,
      met: r.enqueue.ratio >= 0.5,
    });
  if (r.pipeline) {
    const p = r.pipeline;
    rows.push({
      target: "pipeline 1 → 2 worker processes ≥ 1.7×",
      value: `${p.scale_ratio}×`,
      met: p.scale_ratio >= 1.7,
    });
    rows.push({
      target: "pipeline, one worker process ≥ 0.8× the in-process limit",
      value: `${p.in_process_ratio}×`,
      met: p.in_process_ratio >= 0.8,
    });
    rows.push({
      target: "pipeline ≥ 20× the original's 50 req/s",
      value: `${p.vs_original}×`,
      met: p.vs_original >= 20,
    });
    const m = p.memory;
    rows.push({
      target: "API RSS ≤ 120 MB",
      value: `${Math.max(m.api_mib.after_batch_1, m.api_mib.after_batch_2)} MiB`,
      met: Math.max(m.api_mib.after_batch_1, m.api_mib.after_batch_2) <= 120,
    });
    rows.push({
      target: "worker RSS ≤ 150 MB",
      value: `${Math.max(m.worker_mib.after_batch_1, m.worker_mib.after_batch_2)} MiB`,
      met: Math.max(m.worker_mib.after_batch_1, m.worker_mib.after_batch_2) <= 150,
    });
    rows.push({
      target: "Redis ≤ 25 KB per finished job (kept for its retention)",
      value: `${m.redis_kib_per_job.retained} KiB (${m.redis_kib_per_job.just_finished} KiB just finished)`,
      met: m.redis_kib_per_job.retained * 1.024 <= 25,
    });
    const growth = Math.max(m.growth_mib.api, m.growth_mib.worker);
    rows.push({
      target: "no RSS growth between equal batches (≤ 5 MiB)",
      value: `${growth} MiB`,
      met: growth <= 5,
    });
  }
  if (r.crash_storm) {
    const c = r.crash_storm;
    rows.push({
      target: "p99 time-to-end under a SIGKILL storm ≤ 1.3× the no-fault run",
      value: `${c.p99_ratio}× (${c.storm.p99_s} s vs ${c.no_faults.p99_s} s, ${c.storm.kills} kills)`,
      met: c.p99_ratio <= 1.3,
    });
    rows.push({
      target: "no job lost under a SIGKILL storm",
      value: `${c.storm.lost} lost, ${c.storm.failed} failed of ${c.jobs}`,
      met: c.storm.lost === 0 && c.no_faults.lost === 0,
    });
  }
  if (r.added_latency) {
    const a = r.added_latency.added_ms;
    rows.push({ target: "added latency p50 ≤ 10 ms", value: `${a.p50} ms`, met: a.p50 <= 10 });
    rows.push({ target: "added latency p99 ≤ 40 ms", value: `${a.p99} ms`, met: a.p99 <= 40 });
  }
  if (r.cache) {
    const cold = r.cache.distinct.upstream_calls / r.cache.burst;
    rows.push({
      target: "≤ 4 Datadog requests per cold investigation",
      value: `${round(cold, 1)}`,
      met: cold <= 4,
    });
    const c = r.cache.identical;
    rows.push({
      target: "identical burst: 1 upstream call per distinct request",
      value: `${c.upstream_calls} calls / ${c.distinct_requests} distinct`,
      met: c.upstream_calls === c.distinct_requests,
    });
  }
  return rows;
}

/** A row of the enqueue table; failures with their statuses, e.g. `12 (429: 12)`. */
function enqueueRow(name: string, s: EnqueueSummary): Array<string | number> {
  const statuses = Object.entries(s.failed_by_status).map(([status, n]) => `${status}: ${n}`);
  const failed = statuses.length > 0 ? `${s.failed} (${statuses.join(", ")})` : s.failed;
  return [name, s.requests_per_s, s.p50_ms, s.p99_ms, s.requests, s.cpu_us_per_request, failed];
}

const table = (head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string =>
  [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

/** BENCHMARKS.md from a run. */
export function renderReport(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (this file and `BENCHMARKS.json`); `npm run bench -- --quick` is a short",
    "smoke run. Each benchmark starts its own `redis-server` and runs the API and the workers as",
    "separate processes (compiled, `NODE_ENV=production`, `LOG_LEVEL=warn`), with the load generator",
    "([autocannon](https://github.com/mcollina/autocannon) or plain requests) in the benchmark process,",
    "all on the same machine. Every figure that has a target is a ratio to a baseline measured in the",
    "same run, so it means something on a shared machine.",
    "",
    "## Machine",
    "",
    table(
      ["", ""],
      [
        ["CPU", `${m.cpu} (${m.cores} cores, shared virtual machine)`],
        ["memory", `${m.memory_gib} GiB`],
        ["OS", m.os],
        ["Node.js", m.node],
        ["Redis", m.redis],
        ["date", m.date],
        ["run", `${r.quick ? "quick" : "full"}, ${Math.round(r.seconds)} s`],
      ],
    ),
    "",
    "## Targets",
    "",
    table(
      ["target", "measured", "met"],
      targets(r).map((t) => [t.target, t.value, t.met ? "yes" : "**no**"]),
    ),
    "",
  ];
  if (r.enqueue) {
    const e = r.enqueue;
    out.push(
      "## Enqueue: `POST /jobs`",
      "",
      `${e.connections} connections, ${e.rounds} alternating round(s) of ${e.seconds_per_round} s each (medians). No workers run:`,
      "jobs wait in the queue. Baseline: a bare Koa route that parses the JSON body and does one",
      "`queue.add` on the same Redis (`bench/baselines/bare-enqueue-server.ts`). The service's route",
      "also authenticates, rate-limits (Redis), checks the in-flight cap (Redis), validates, and writes",
      "the job record, its event stream and its indexes before queueing. Its requests come from",
      `${LOAD_TOKENS.length} client tokens (owners) in turn, as a multi-tenant API is loaded: with no worker to finish`,
      "jobs, one owner would reach its cap of unfinished jobs (`api.max_jobs_in_flight`) within a run, and",
      "its refusals (429) are no throughput. Requests/s counts 202s only; failed responses are listed by",
      "status. CPU is the server process's user + system time per request.",
      "",
      table(
        ["", "requests/s", "p50 ms", "p99 ms", "requests", "CPU µs/request", "failed"],
        [enqueueRow("baseline", e.baseline), enqueueRow("`POST /jobs`", e.service)],
      ),
      "",
      `**Ratio: ${e.ratio}×** the baseline.`,
      "",
    );
  }
  if (r.pipeline) {
    const p = r.pipeline;
    out.push(
      "## Pipeline throughput",
      "",
      `A backlog of ${p.jobs_per_batch} jobs is queued with the planning queue paused, then timed from resume to`,
      `the last job's end; ${p.worker_processes} worker process, concurrency ${p.concurrency_per_queue} per phase queue. Jobs cycle through`,
      "six demo questions (offline reasoner, demo data, warm cache). The limit it is measured against:",
      "the same phase functions called one job after another in one process, data from a warm in-memory",
      "cache (`bench/in-process-limit.ts`). For reference, a bare BullMQ chain of three no-op jobs, each",
      "adding the next, same worker count, concurrency and retention, same Redis",
      "(`bench/baselines/bare-chain-worker.ts`): a chain that does no work, so no limit for this work.",
      "",
      table(
        ["", "per second"],
        [
          ["in-process limit (one thread)", p.in_process_per_s],
          ["orchestrations, 2 worker processes", p.two_processes_per_s],
          ["bare BullMQ chain (reference)", p.baseline_per_s],
          ...p.service_per_s.map((v, i) => [`orchestrations, batch ${i + 1}`, v] as [string, number]),
        ],
      ),
      "",
      `**Ratio: ${p.in_process_ratio}×** the in-process limit (${p.ratio}× the bare chain); ${p.vs_original}× the original description's 50 req/s. Failed jobs: ${p.failed_jobs}.`,
      "",
      "CPU time per job while the backlog drains (user + system from `/proc`, libuv's thread pool",
      "included): what the ratios are made of, and steadier than them on a shared machine. With two",
      "cores, two worker processes scale by 2 × worker ÷ (two workers + Redis) at best.",
      "",
      table(
        ["", "CPU ms per job"],
        [
          ["in-process limit (one thread)", p.cpu_ms_per_job.in_process],
          ["worker process (one)", p.cpu_ms_per_job.worker],
          ["worker processes (two, together)", p.cpu_ms_per_job.two_workers],
          [
            "redis-server (one worker / two)",
            `${p.cpu_ms_per_job.redis} / ${p.cpu_ms_per_job.redis_two_workers}`,
          ],
          ["API (idle queue, events)", p.cpu_ms_per_job.api],
        ],
      ),
      "",
      "## Memory",
      "",
      `RSS (lowest of five reads over two idle seconds) of the same processes, idle and after each batch; ${p.memory.jobs_total} jobs in all. Redis per finished job: ${p.memory.redis_kib_per_job.just_finished} KiB right after the batches (evidence still kept, BullMQ's completed phase jobs still retained), ${p.memory.redis_kib_per_job.retained} KiB for the rest of its retention (evidence expired after a day, completed phase jobs trimmed after an hour).`,
      "",
      table(
        ["process", "idle", "after batch 1", "after batch 2", "growth"],
        [
          [
            "API",
            p.memory.api_mib.idle,
            p.memory.api_mib.after_batch_1,
            p.memory.api_mib.after_batch_2,
            p.memory.growth_mib.api,
          ],
          [
            "worker",
            p.memory.worker_mib.idle,
            p.memory.worker_mib.after_batch_1,
            p.memory.worker_mib.after_batch_2,
            p.memory.growth_mib.worker,
          ],
        ].map((row) => row.map((v) => (typeof v === "number" ? `${v} MiB` : v))),
      ),
      "",
    );
  }
  if (r.crash_storm) {
    const c = r.crash_storm;
    const row = (name: string, run: CrashStormResult["storm"]) => [
      name,
      run.p50_s,
      run.p99_s,
      run.max_s,
      run.kills,
      run.failed,
      run.lost,
    ];
    out.push(
      "## Crash recovery: a SIGKILL storm",
      "",
      `${c.jobs} jobs submitted at once to ${c.worker_processes} worker processes, timed from each job's creation to its end; once`,
      `without faults, then with a worker process SIGKILLed every ${c.kill_every_s} s until the last job ends (alternating,`,
      "each replaced by a fresh process as the supervisor would). A killed process's phases come back when",
      "a live worker sees its connections gone and releases their locks, or when the locks expire",
      `(${c.lock_duration_ms} ms), at the next stalled check (every ${c.stalled_interval_ms} ms).`,
      "",
      table(
        ["run", "p50 s", "p99 s", "max s", "kills", "failed", "lost"],
        [row("no faults", c.no_faults), row("SIGKILL storm", c.storm)],
      ),
      "",
      `**Ratio: ${c.p99_ratio}×** the no-fault p99.`,
      "",
    );
  }
  if (r.added_latency) {
    const a = r.added_latency;
    out.push(
      "## Added latency: `POST /orchestrate`",
      "",
      `${a.requests} requests one at a time, OpenAI reasoner and Datadog source against instant local fakes (through`,
      "the real SDKs). Added = the client's latency minus the phases' own work as the trace records it",
      "(`phase_durations_ms`): HTTP, the job record, three queue hops, the wake-up of the waiting request.",
      "",
      table(
        ["", "p50 ms", "p99 ms"],
        [
          ["client latency", a.total_ms.p50, a.total_ms.p99],
          ["phases' own work", a.phase_work_ms.p50, a.phase_work_ms.p99],
          ["**added**", `**${a.added_ms.p50}**`, `**${a.added_ms.p99}**`],
        ],
      ),
      "",
    );
  }
  if (r.cache) {
    const c = r.cache;
    out.push(
      "## Datadog cache and single-flight",
      "",
      `The fake Datadog API answers every request after ${c.datadog_latency_ms} ms; bursts of ${c.burst} jobs submitted at once.`,
      "",
      table(
        ["burst", "upstream calls", "distinct requests", "cache hit ratio", "job p50 ms"],
        [
          [
            "identical jobs",
            c.identical.upstream_calls,
            c.identical.distinct_requests,
            c.identical.hit_ratio,
            c.identical.job_p50_ms,
          ],
          [
            "distinct services",
            c.distinct.upstream_calls,
            c.distinct.distinct_requests,
            c.distinct.hit_ratio,
            c.distinct.job_p50_ms,
          ],
          [
            "identical again",
            c.identical_again.upstream_calls,
            c.identical_again.distinct_requests,
            c.identical_again.hit_ratio,
            c.identical_again.job_p50_ms,
          ],
        ],
      ),
      "",
      `Execution phase (own work, median): uncached ${c.execution_ms.uncached_p50} ms, cached ${c.execution_ms.cached_p50} ms.`,
      "",
      `Datadog requests of the distinct-services burst (cold investigations) by endpoint:`,
      "",
      table(
        ["endpoint", "requests", "per investigation"],
        Object.entries(c.distinct.by_endpoint).map(([endpoint, n]) => [
          `\`${endpoint}\``,
          n,
          round(n / c.burst, 2),
        ]),
      ),
      "",
    );
  }
  if (r.tokens) {
    const t = r.tokens;
    out.push(
      "## Tokens: context formatter versus raw JSON",
      "",
      `Answer prompts as the fake OpenAI server received them (o200k tokenizer), context budget ${t.context_budget} tokens.`,
      "",
      table(
        ["service", "prompt", "of which context", "raw evidence JSON", "prompt with raw JSON", "ratio"],
        t.jobs.map((j) => [
          j.service_id,
          j.prompt_tokens,
          j.context_tokens,
          j.raw_evidence_tokens,
          j.raw_prompt_tokens,
          `${j.ratio}×`,
        ]),
      ),
      "",
      `Mean: the raw JSON prompt is **${t.mean_ratio}×** the formatted one.`,
      "",
    );
  }
  for (const [name, error] of Object.entries(r.errors)) out.push(`**${name} failed:** ${error}`, "");
  return out.join("\n");
}
