import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  startFakeDatadog,
  startFakeOpenAI,
  type FakeDatadog,
  type FakeOpenAI,
} from "@orch/testkit";
import { eventually, spawnWorker, type WorkerProcess } from "../support/worker-process.js";
import {
  ADMIN_TOKEN,
  METRICS_TOKEN,
  TOKEN,
  startOpsStack,
  submit,
  waitForEnd,
  type OpsStack,
} from "./support/ops-stack.js";

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition. */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match?.[1] || match[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g))
      if (key) labels[key] = value ?? "";
    out.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return out;
}

function matching(text: string, name: string, labels: Record<string, string>): Sample[] {
  return samples(text).filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The value of the first sample of `name` with these labels, or undefined when there is none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return matching(text, name, labels)[0]?.value;
}

/** The sum of every sample of `name` with these labels. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  return matching(text, name, labels).reduce((sum, s) => sum + s.value, 0);
}

describe("Prometheus metrics on GET /metrics", () => {
  let stack: OpsStack;
  let openai: FakeOpenAI;
  let datadog: FakeDatadog;
  const jobs = 6;

  beforeAll(async () => {
    openai = await startFakeOpenAI();
    datadog = await startFakeDatadog();
    stack = await startOpsStack({
      env: {
        METRICS_TOKEN,
        OPENAI_API_KEY: openai.apiKey,
        OPENAI_BASE_URL: openai.url,
        DATADOG_API_KEY: datadog.apiKey,
        DATADOG_APP_KEY: datadog.appKey,
        DATADOG_API_URL: datadog.url,
      },
    });
    // The same question three times over: the later ones read Datadog through the cache.
    const questions = ["Why are 5xx errors up?", "Check CPU and memory trends", "Is latency degrading?"];
    const ids: string[] = [];
    for (let i = 0; i < jobs; i++) {
      ids.push(
        await submit(stack, {
          service_id: "api-gateway",
          user_message: questions[i % questions.length] ?? "",
        }),
      );
    }
    await Promise.all(ids.map((id) => waitForEnd(stack, id, 90)));
  });
  afterAll(async () => {
    await stack?.close();
    await openai?.close();
    await datadog?.close();
  });

  const scrape = async (token: string | null = METRICS_TOKEN) => {
    const res = await stack.request("/metrics", { token });
    return { res, text: await res.text() };
  };

  it("needs the metrics token or an admin token: none is 401, a user token 403", async () => {
    expect((await scrape(null)).res.status).toBe(401);
    expect((await scrape("wrong-token-0000000000000000")).res.status).toBe(401);
    expect((await scrape(TOKEN)).res.status).toBe(403);
    expect((await scrape(ADMIN_TOKEN)).res.status).toBe(200);
    const { res, text } = await scrape(METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain("# TYPE orch_jobs_ended_total counter");
  });

  it("counts jobs submitted and ended by status", async () => {
    let text = "";
    // A record turns final just before the worker's end hook counts it.
    await eventually(
      async () => {
        text = (await scrape()).text;
        return total(text, "orch_jobs_ended_total") >= jobs;
      },
      10_000,
      "every job counted as ended",
    );
    expect(sample(text, "orch_jobs_submitted_total")).toBe(jobs);
    expect(total(text, "orch_jobs_ended_total")).toBe(jobs);
    for (const status of ["completed", "failed", "cancelled"])
      expect(sample(text, "orch_jobs_ended_total", { status })).toBeDefined();
  });

  it("times every phase run, by phase and outcome, and the wait in its queue", async () => {
    const { text } = await scrape();
    for (const phase of ["planning", "execution", "feedback"]) {
      expect(total(text, "orch_phase_duration_seconds_count", { phase }), phase).toBeGreaterThanOrEqual(jobs);
      expect(total(text, "orch_phase_wait_seconds_count", { phase }), phase).toBeGreaterThanOrEqual(jobs);
    }
    expect(
      sample(text, "orch_phase_duration_seconds_count", { phase: "planning", outcome: "completed" }),
    ).toBe(jobs);
    expect(
      sample(text, "orch_phase_duration_seconds_bucket", {
        phase: "planning",
        outcome: "completed",
        le: "+Inf",
      }),
    ).toBe(jobs);
  });

  it("reads queue depths from Redis on each scrape", async () => {
    const { text } = await scrape();
    for (const queue of ["planning", "execution", "feedback"]) {
      for (const state of ["waiting", "active", "delayed", "failed"]) {
        expect(sample(text, "orch_queue_jobs", { queue, state }), `${queue} ${state}`).toBeDefined();
      }
    }
    expect(total(text, "orch_queue_jobs", { state: "waiting" })).toBe(0);
  });

  it("counts Datadog calls, cache hits and misses, model calls and tokens", async () => {
    const { text } = await scrape();
    const calls = total(text, "orch_datadog_calls_total");
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(datadog.count("/api"));
    expect(text).toMatch(/orch_datadog_calls_total\{phase="execution",source="datadog"\}/);
    const hits = sample(text, "orch_datadog_cache_lookups_total", { result: "hit" }) ?? 0;
    const misses = sample(text, "orch_datadog_cache_lookups_total", { result: "miss" }) ?? 0;
    expect(misses).toBeGreaterThan(0);
    expect(hits).toBeGreaterThan(0);
    const llmCalls = total(text, "orch_llm_calls_total");
    expect(sample(text, "orch_llm_calls_total", { phase: "planning" })).toBeGreaterThanOrEqual(jobs);
    expect(llmCalls).toBeLessThanOrEqual(openai.requests.length);
    expect(sample(text, "orch_llm_tokens_total", { phase: "planning", kind: "prompt" })).toBeGreaterThan(0);
    expect(sample(text, "orch_llm_tokens_total", { phase: "planning", kind: "completion" })).toBeGreaterThan(
      0,
    );
  });

  it("times HTTP requests by method, route template and status", async () => {
    await stack.request("/jobs/nosuchjob123");
    const { text } = await scrape();
    expect(
      sample(text, "orch_http_request_duration_seconds_count", {
        method: "POST",
        route: "/jobs",
        status: "202",
      }),
    ).toBe(jobs);
    expect(
      sample(text, "orch_http_request_duration_seconds_count", {
        method: "GET",
        route: "/jobs/:id",
        status: "404",
      }),
    ).toBe(1);
    expect(text).not.toMatch(/route="\/jobs\/[A-Za-z0-9_-]{8,}"/);
  });

  it("includes the process metrics", async () => {
    const { text } = await scrape();
    expect(sample(text, "orch_process_cpu_seconds_total")).toBeDefined();
    expect(text).toContain("orch_nodejs_eventloop_lag_seconds");
  });
});

describe("metrics on their own port (metrics.port)", () => {
  let stack: OpsStack;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    stack = await startOpsStack({ workers: false, config: { metrics: { port: 0 } } });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill("SIGKILL")));
    await stack?.close();
  });

  it("serves the API's metrics there without a token, and nothing else", async () => {
    expect(stack.api.metricsPort).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${stack.api.metricsPort}`;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("orch_http_request_duration_seconds");
    expect((await fetch(`${base}/jobs`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("lets a worker process serve its phase metrics on its own port", async () => {
    const port = await freePort();
    const worker = spawnWorker({ ...stack.env, METRICS_PORT: String(port), LOG_LEVEL: "warn" });
    workers.push(worker);
    const id = await submit(stack, { service_id: "web-app", user_message: "How is memory trending?" });
    await waitForEnd(stack, id, 90);
    let text = "";
    await eventually(
      async () => {
        text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => "",
        );
        // The record turns final before the worker's end hook counts it, so wait for both.
        return (
          (sample(text, "orch_phase_duration_seconds_count", { phase: "planning", outcome: "completed" }) ??
            0) >= 1 && total(text, "orch_jobs_ended_total") >= 1
        );
      },
      30_000,
      "the worker's metrics",
    );
    expect(total(text, "orch_jobs_ended_total")).toBe(1);
    expect(await worker.kill("SIGTERM")).toBe(0);
  });
});
