import { startFakeDatadog } from "@orch/testkit";
import { machine, quantile, round, saveResult, startStack, type Stack } from "./bench-support.js";

/**
 * The Datadog cache through the whole service, against the fake Datadog API answering with a
 * realistic 60 ms delay: (1) 50 identical jobs submitted at once — upstream calls per distinct
 * query, counted at the fake; (2) the same burst again — cache hit ratio; (3) the execution
 * phase's duration with a cold cache versus a warm one.
 */
const BURST = 50;
const DELAY_MS = Number(process.env.BENCH_DATADOG_DELAY_MS ?? 60);

interface Trace {
  usage: { datadog_calls: number; cache_hits: number };
  steps: Array<{ phase: string; kind: string; cache?: string; duration_ms: number; started_at: string }>;
}

async function runJob(stack: Stack, service: string): Promise<Trace> {
  const res = await stack.post("/jobs", {
    service_id: service,
    user_message: "Investigate recent 5xx errors",
  });
  const { job_id } = (await res.json()) as { job_id: string };
  for (;;) {
    const view = (await (await stack.get(`/jobs/${job_id}?wait=30`)).json()) as { status: string };
    if (view.status === "completed") break;
    if (view.status !== "queued" && view.status.endsWith("ed")) throw new Error(`job ${view.status}`);
  }
  return (await (await stack.get(`/jobs/${job_id}/trace`)).json()) as Trace;
}

/** Wall time of the execution phase: first tool step start to last tool step end. */
function executionMs(trace: Trace): number {
  const steps = trace.steps.filter((s) => s.phase === "execution");
  const start = Math.min(...steps.map((s) => Date.parse(s.started_at)));
  const end = Math.max(...steps.map((s) => Date.parse(s.started_at) + s.duration_ms));
  return end - start;
}

async function main(): Promise<void> {
  const fake = await startFakeDatadog();
  fake.inject({ kind: "slow", delay_ms: DELAY_MS, times: Infinity });
  const stack = await startStack(
    {
      orchestrator: { concurrency: { planning: 16, execution: 16, feedback: 16 } },
      datadog: { requests_per_second: 1000 },
    },
    { DATADOG_API_URL: fake.url, DATADOG_API_KEY: fake.apiKey, DATADOG_APP_KEY: fake.appKey },
  );
  try {
    const first = await Promise.all(Array.from({ length: BURST }, () => runJob(stack, "api-gateway")));
    const perQuery = new Map<string, number>();
    for (const r of fake.requests) {
      const key = `${r.method} ${r.path} ${JSON.stringify(r.query)} ${JSON.stringify(r.body ?? "")}`;
      perQuery.set(key, (perQuery.get(key) ?? 0) + 1);
    }
    const firstCalls = fake.requests.length;
    const maxPerQuery = Math.max(...perQuery.values());

    const second = await Promise.all(Array.from({ length: BURST }, () => runJob(stack, "api-gateway")));
    const reads = second.flatMap((t) => t.steps.filter((s) => s.kind === "tool" && s.cache));
    const hits = reads.filter((s) => s.cache === "hit").length;
    const secondCalls = fake.requests.length - firstCalls;

    // Cold versus warm execution: a new service each time is cold, the same one again is warm.
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < 15; i++) {
      const service = `bench-svc-${i}`;
      cold.push(executionMs(await runJob(stack, service)));
      warm.push(executionMs(await runJob(stack, service)));
    }

    const result = {
      benchmark: "datadog-cache",
      machine: machine(),
      fake_delay_ms: DELAY_MS,
      burst: BURST,
      distinct_requests: perQuery.size,
      upstream_calls_first_burst: firstCalls,
      max_calls_per_distinct_request: maxPerQuery,
      second_burst: {
        reads: reads.length,
        hits,
        hit_ratio: round(hits / reads.length, 3),
        upstream_calls: secondCalls,
      },
      execution_ms: {
        uncached_p50: round(quantile(cold, 0.5)),
        cached_p50: round(quantile(warm, 0.5)),
      },
      jobs_completed: first.length + second.length,
    };
    console.log(`${BURST} identical jobs at once against a fake Datadog answering in ${DELAY_MS} ms`);
    console.table({
      "first burst": { distinct: perQuery.size, upstream: firstCalls, max_per_request: maxPerQuery },
    });
    console.table({ "second burst": result.second_burst });
    console.table({ "execution phase (ms)": result.execution_ms });
    console.log(`→ ${saveResult("datadog-cache", result)}`);
  } finally {
    await stack.close();
    await fake.close();
  }
}

await main();
