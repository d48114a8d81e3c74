import { startFakeDatadog, startFakeOpenAI, startRedis } from "@orch/testkit";
import type { BenchSettings } from "./support/bench-settings.js";
import { startServiceStack } from "./support/service-stack.js";
import { DEMO_QUESTIONS } from "./support/submit-jobs.js";
import { phaseWorkMs, readTrace } from "./support/trace-reader.js";
import { quantile, round } from "./support/stats.js";

export interface AddedLatencyResult {
  readonly requests: number;
  readonly total_ms: Percentiles;
  readonly phase_work_ms: Percentiles;
  /** Per request: total minus the phases' own work (queue hops, record writes, wake-up, HTTP). */
  readonly added_ms: Percentiles;
}

interface Percentiles {
  readonly p50: number;
  readonly p99: number;
}

const percentiles = (values: readonly number[]): Percentiles => ({
  p50: round(quantile(values, 0.5), 1),
  p99: round(quantile(values, 0.99), 1),
});

/**
 * What the queue-backed service adds to a request: POST /orchestrate one at a time, the model
 * and Datadog replaced by instant local fakes (through the real SDKs), the API and one worker as
 * separate processes. For each request, the client's latency minus the phases' own work as the
 * trace records it (phase_durations_ms) is the time spent in queue hops, record writes and waking
 * the waiting request.
 */
export async function benchAddedLatency(settings: BenchSettings): Promise<AddedLatencyResult> {
  const redis = await startRedis();
  const datadog = await startFakeDatadog();
  const openai = await startFakeOpenAI();
  const stack = await startServiceStack({
    redis,
    workers: 1,
    concurrency: settings.concurrency,
    env: {
      DATADOG_API_URL: datadog.url,
      DATADOG_API_KEY: datadog.apiKey,
      DATADOG_APP_KEY: datadog.appKey,
      OPENAI_API_KEY: openai.apiKey,
      OPENAI_BASE_URL: openai.url,
    },
  });
  try {
    const ask = async (i: number) => {
      const question = DEMO_QUESTIONS[i % DEMO_QUESTIONS.length]!;
      const t0 = performance.now();
      const res = await stack.post("/orchestrate", { ...question, session_id: `bench-${i}` });
      const body = (await res.json()) as { job_id?: string };
      const total = performance.now() - t0;
      if (res.status !== 200 || !body.job_id) throw new Error(`POST /orchestrate answered ${res.status}`);
      const work = phaseWorkMs(await readTrace(stack, body.job_id));
      return { total, work };
    };
    for (let i = 0; i < 12; i++) await ask(i);
    const runs = [];
    for (let i = 0; i < settings.latencyRequests; i++) runs.push(await ask(i));
    return {
      requests: runs.length,
      total_ms: percentiles(runs.map((r) => r.total)),
      phase_work_ms: percentiles(runs.map((r) => r.work)),
      added_ms: percentiles(runs.map((r) => r.total - r.work)),
    };
  } finally {
    await stack.close();
    await openai.close();
    await datadog.close();
    await redis.stop();
  }
}
