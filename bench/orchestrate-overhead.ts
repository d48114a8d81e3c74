import { Redis } from "ioredis";
import { executePlan, planQuestion, synthesizeAnswer } from "@orch/core";
import { createMetricsSourceProvider, serviceScopeFor } from "@orch/datadog";
import { createReasoner } from "@orch/llm";
import { machine, quantile, round, saveResult, startStack, type Stack } from "./bench-support.js";

/**
 * What does the queue-backed service add over doing the work inline? Baseline: the three phase
 * functions called directly in this process with the same adapters (demo source through the
 * same Redis cache, offline reasoner). Measured: POST /orchestrate over HTTP, through Redis,
 * BullMQ and the workers. Both run warm (cache filled), one request at a time.
 */
const QUESTIONS = [
  { service_id: "api-gateway", user_message: "Investigate recent 5xx errors and their root causes" },
  { service_id: "web-app", user_message: "Check CPU and memory usage trends for the last 24 hours" },
  { service_id: "checkout", user_message: "Why did checkout get slower?" },
  { service_id: "payments", user_message: "Why is memory growing on payments?" },
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);

async function inlineRun(stack: Stack, redis: Redis, q: (typeof QUESTIONS)[number]): Promise<number> {
  const { config } = stack;
  const sources = createMetricsSourceProvider({
    config: { ...config.datadog, services: config.services },
    redis,
  });
  const reasoner = createReasoner(config);
  const source = sources.forService(q.service_id);
  const scope = serviceScopeFor(q.service_id, config.services);
  const signal = new AbortController().signal;
  const t0 = performance.now();
  const planned = await planQuestion(
    { source, reasoner, now: Date.now },
    {
      question: q.user_message,
      scope,
      history: [],
      defaultTimeframe: config.datadog.default_timeframe,
      maxSteps: config.orchestrator.max_reasoning_steps,
    },
    signal,
  );
  const executed = await executePlan(
    { source, now: Date.now, concurrency: config.orchestrator.tool_concurrency },
    planned.plan,
    scope,
    signal,
  );
  await synthesizeAnswer(
    { reasoner, now: Date.now },
    { question: q.user_message, scope, plan: planned.plan, evidence: executed.evidence, history: [] },
    signal,
  );
  const ms = performance.now() - t0;
  await sources.close();
  return ms;
}

async function serviceRun(stack: Stack, q: (typeof QUESTIONS)[number]): Promise<number> {
  const t0 = performance.now();
  const res = await stack.post("/orchestrate", { ...q, session_id: "bench" });
  const body = (await res.json()) as { reasoning_trace?: unknown };
  if (res.status !== 200 || !body.reasoning_trace) throw new Error(`orchestrate answered ${res.status}`);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const stack = await startStack();
  const redis = new Redis(stack.redis.url);
  try {
    for (const q of QUESTIONS) {
      await inlineRun(stack, redis, q);
      await serviceRun(stack, q);
    }
    const inline: number[] = [];
    const service: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const q = QUESTIONS[i % QUESTIONS.length]!;
      // Alternate the order so drift on a shared machine hits both equally.
      if (i % 2 === 0) {
        inline.push(await inlineRun(stack, redis, q));
        service.push(await serviceRun(stack, q));
      } else {
        service.push(await serviceRun(stack, q));
        inline.push(await inlineRun(stack, redis, q));
      }
    }
    // How soon a long-wait answers after the job ends (server and client share the clock).
    const wakeups: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await stack.post("/jobs", QUESTIONS[i % QUESTIONS.length]);
      const { job_id } = (await res.json()) as { job_id: string };
      const view = (await (await stack.get(`/jobs/${job_id}?wait=30`)).json()) as {
        finished_at: string | null;
      };
      if (view.finished_at) wakeups.push(Date.now() - Date.parse(view.finished_at));
    }

    const result = {
      benchmark: "orchestrate-overhead",
      rounds: ROUNDS,
      machine: machine(),
      inline_ms: { p50: round(quantile(inline, 0.5)), p95: round(quantile(inline, 0.95)) },
      orchestrate_ms: { p50: round(quantile(service, 0.5)), p95: round(quantile(service, 0.95)) },
      added_ms: { p50: round(quantile(service, 0.5) - quantile(inline, 0.5)) },
      wait_wakeup_ms: { p50: round(quantile(wakeups, 0.5)), max: round(Math.max(...wakeups)) },
    };
    console.log(`POST /orchestrate vs the same three phases called inline (${ROUNDS} rounds, warm cache)`);
    console.table({
      "inline phases": result.inline_ms,
      "POST /orchestrate": result.orchestrate_ms,
    });
    console.log(`median added latency: ${result.added_ms.p50} ms`);
    console.log(
      `GET /jobs/:id?wait answered ${result.wait_wakeup_ms.p50} ms (median; max ${result.wait_wakeup_ms.max} ms) after the job ended` +
        `  → ${saveResult("orchestrate-overhead", result)}`,
    );
  } finally {
    redis.disconnect();
    await stack.close();
  }
}

await main();
