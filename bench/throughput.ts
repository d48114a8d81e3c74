import { machine, quantile, round, saveResult, startStack } from "./bench-support.js";

/** Jobs per second through the whole service: N jobs submitted at once, each awaited with ?wait. */
const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const SERVICES = ["api-gateway", "web-app", "checkout", "payments", "database-cluster", "search", "auth"];

async function main(): Promise<void> {
  const stack = await startStack({
    orchestrator: { concurrency: { planning: 16, execution: 16, feedback: 16 } },
  });
  try {
    const t0 = performance.now();
    const latencies = await Promise.all(
      Array.from({ length: JOBS }, async (_, i) => {
        const started = performance.now();
        const res = await stack.post("/jobs", {
          service_id: SERVICES[i % SERVICES.length],
          user_message: `How is the service doing over the last ${1 + (i % 12)} hours?`,
        });
        const { job_id } = (await res.json()) as { job_id: string };
        for (;;) {
          const view = (await (await stack.get(`/jobs/${job_id}?wait=30`)).json()) as { status: string };
          if (view.status === "completed") return performance.now() - started;
          if (view.status === "failed" || view.status === "cancelled")
            throw new Error(`job ${job_id} ${view.status}`);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const result = {
      benchmark: "throughput",
      jobs: JOBS,
      machine: machine(),
      wall_s: round(seconds, 2),
      jobs_per_s: round(JOBS / seconds, 1),
      job_latency_ms: {
        p50: round(quantile(latencies, 0.5)),
        p95: round(quantile(latencies, 0.95)),
        max: round(Math.max(...latencies)),
      },
    };
    console.log(`${JOBS} jobs submitted at once (API + workers in one process, concurrency 16 per phase)`);
    console.table({
      throughput: { jobs_per_s: result.jobs_per_s, wall_s: result.wall_s, ...result.job_latency_ms },
    });
    console.log(`→ ${saveResult("throughput", result)}`);
  } finally {
    await stack.close();
  }
}

await main();
