import { startFakeDatadog, startRedis, type FakeDatadog } from "@orch/testkit";
import type { BenchSettings } from "./support/bench-settings.js";
import { startServiceStack, type ServiceStack } from "./support/service-stack.js";
import { submitJobs } from "./support/submit-jobs.js";
import { readTrace, waitForJob, type BenchTrace } from "./support/trace-reader.js";
import { median, round } from "./support/stats.js";

export interface CacheResult {
  readonly datadog_latency_ms: number;
  readonly burst: number;
  readonly identical: BurstResult;
  readonly distinct: BurstResult;
  readonly identical_again: BurstResult;
  /** Execution phase (its own work), median: a cold cache (distinct burst) versus a warm one. */
  readonly execution_ms: { readonly uncached_p50: number; readonly cached_p50: number };
}

interface BurstResult {
  readonly upstream_calls: number;
  /** Different requests among them (method, path, query, body). */
  readonly distinct_requests: number;
  readonly hit_ratio: number;
  readonly job_p50_ms: number;
  /** Upstream calls per Datadog endpoint (`GET /api/v1/query`), most first. */
  readonly by_endpoint: Readonly<Record<string, number>>;
}

/** The endpoint a request called, path parameters named as in Datadog's API reference. */
export function endpointOf(method: string, path: string): string {
  const template = path
    .replace(/^\/api\/v1\/monitor\/\d+$/, "/api/v1/monitor/{monitor_id}")
    .replace(/^\/api\/v1\/metrics\/[^/]+$/, "/api/v1/metrics/{metric_name}")
    .replace(/^\/api\/v2\/metrics\/[^/]+\/all-tags$/, "/api/v2/metrics/{metric_name}/all-tags");
  return `${method} ${template}`;
}

function histogram(keys: readonly string[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

async function burst(stack: ServiceStack, datadog: FakeDatadog, bodies: readonly object[]) {
  const before = datadog.requests.length;
  const t0 = Date.now();
  const ids = await submitJobs(stack, bodies.length, bodies, bodies.length);
  const ends = await Promise.all(ids.map((id) => waitForJob(stack, id)));
  if (ends.some((e) => e.status !== "completed")) throw new Error("a cache benchmark job did not complete");
  const traces = await Promise.all(ids.map((id) => readTrace(stack, id)));
  const requests = datadog.requests.slice(before);
  const distinct = new Set(
    requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${JSON.stringify(r.body ?? "")}`),
  );
  const reads = traces.flatMap((t) => t.steps.filter((s) => s.kind === "tool" && s.cache));
  const result: BurstResult = {
    upstream_calls: requests.length,
    distinct_requests: distinct.size,
    hit_ratio: round(reads.filter((s) => s.cache === "hit").length / Math.max(1, reads.length), 3),
    job_p50_ms: round(median(ends.map((e) => Date.parse(e.finished_at) - t0)), 0),
    by_endpoint: histogram(requests.map((r) => endpointOf(r.method, r.path))),
  };
  return { result, traces };
}

const executionMs = (traces: readonly BenchTrace[]) =>
  round(median(traces.map((t) => t.phase_durations_ms.execution ?? Number.NaN)), 1);

/**
 * The Datadog cache and single-flight through the whole service, against the fake Datadog API
 * answering each request after a realistic delay: a burst of identical jobs (one upstream call
 * per distinct request is the goal), a burst of jobs for distinct services, and the identical
 * burst again (all hits).
 */
export async function benchCache(settings: BenchSettings): Promise<CacheResult> {
  const delay = 60;
  const redis = await startRedis();
  const datadog = await startFakeDatadog();
  datadog.inject({ kind: "slow", delay_ms: delay, times: Infinity });
  const stack = await startServiceStack({
    redis,
    workers: 1,
    concurrency: 16,
    env: { DATADOG_API_URL: datadog.url, DATADOG_API_KEY: datadog.apiKey, DATADOG_APP_KEY: datadog.appKey },
  });
  try {
    const question = "Investigate recent 5xx errors and their root causes";
    const same = Array.from({ length: settings.burst }, () => ({
      service_id: "api-gateway",
      user_message: question,
    }));
    const different = Array.from({ length: settings.burst }, (_, i) => ({
      service_id: `svc-${i}`,
      user_message: question,
    }));
    const identical = await burst(stack, datadog, same);
    const distinct = await burst(stack, datadog, different);
    const again = await burst(stack, datadog, same);
    return {
      datadog_latency_ms: delay,
      burst: settings.burst,
      identical: identical.result,
      distinct: distinct.result,
      identical_again: again.result,
      execution_ms: { uncached_p50: executionMs(distinct.traces), cached_p50: executionMs(again.traces) },
    };
  } finally {
    await stack.close();
    await datadog.close();
    await redis.stop();
  }
}
