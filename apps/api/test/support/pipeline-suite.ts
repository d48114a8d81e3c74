import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitJob, type Harness, type RedisEndpoint } from "./orchestrator-harness.js";

export interface JobBody {
  status: string;
  finished_at: string | null;
  progress: { phases_completed: string[] };
  result: {
    answer_markdown: string;
    data_source: string;
    reasoner: string;
    confidence: number;
    findings: unknown[];
  };
}

interface OrchestrateBody {
  answer: string;
  session_id: string;
  job_id: string;
  timestamp: string;
  reasoning_trace: {
    phases: string[];
    total_steps: number;
    execution_time_ms: number;
    confidence_score: number;
  };
}

interface TraceBody {
  total_steps: number;
  execution_time_ms: number;
  phases: string[];
  phase_durations_ms: Record<string, number>;
  steps: Array<{ index: number; phase: string; kind: string; name: string; status: string; cache?: string }>;
  usage: { datadog_calls: number; cache_hits: number; llm_calls: number };
  reasoner: string;
  data_source: string;
  confidence_score: number;
  plan: { steps: Array<{ tool: string; query?: { metric: string } }> };
  available_metrics: string[];
  unread_metrics: string[];
}

/** A running orchestrator for the suite, and how to take it down (its Redis too, if the test started one). */
export interface PipelineStack {
  readonly harness: Harness<RedisEndpoint>;
  close(): Promise<void>;
}

/**
 * What the pipeline promises through HTTP, whatever Redis runs under it: pipeline.test.ts runs it
 * on one server, redis-cluster.test.ts on a Redis Cluster.
 */
export function pipelineSuite(title: string, start: () => Promise<PipelineStack>): void {
  describe(title, () => {
    let h: Harness<RedisEndpoint>;
    let stack: PipelineStack | undefined;
    beforeAll(async () => {
      stack = await start();
      h = stack.harness;
    });
    afterAll(async () => {
      await stack?.close();
    });

    it("accepts a job with 202, a Location header and the URLs to follow it", async () => {
      const res = await h.request("/jobs", {
        method: "POST",
        body: JSON.stringify({ service_id: "api-gateway", user_message: "Investigate recent 5xx errors" }),
      });
      expect(res.status).toBe(202);
      const body = (await res.json()) as Record<string, string>;
      expect(body.job_id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      expect(body.status).toBe("queued");
      expect(body.status_url).toBe(`/jobs/${body.job_id}`);
      expect(body.events_url).toBe(`/jobs/${body.job_id}/events`);
      expect(res.headers.get("location")).toBe(`/jobs/${body.job_id}`);
    });

    it("runs planning, execution and feedback and returns the answer to a long-wait", async () => {
      const id = await submitJob(h, {
        service_id: "api-gateway",
        user_message: "Investigate recent 5xx errors",
      });
      const res = await h.request(`/jobs/${id}?wait=30`);
      expect(res.status).toBe(200);
      const job = (await res.json()) as JobBody;
      expect(job.status).toBe("completed");
      expect(job.progress.phases_completed).toEqual(["planning", "execution", "feedback"]);
      expect(job.result.answer_markdown).toMatch(/offline/i);
      expect(job.result.data_source).toBe("demo");
      expect(job.result.reasoner).toBe("offline");
      expect(job.result.confidence).toBeGreaterThan(0);
      expect(job.result.findings.length).toBeGreaterThan(0);
      expect(job.finished_at).toBeTruthy();
    });

    it("records a trace with steps of all three phases, usage, reasoner and data source", async () => {
      const id = await submitJob(h, {
        service_id: "web-app",
        user_message: "Check CPU and memory usage trends for the last 24 hours",
      });
      await h.request(`/jobs/${id}?wait=30`);
      const res = await h.request(`/jobs/${id}/trace`);
      expect(res.status).toBe(200);
      const trace = (await res.json()) as TraceBody;
      expect(trace.phases).toEqual(["planning", "execution", "feedback"]);
      expect(Object.keys(trace.phase_durations_ms)).toEqual(["planning", "execution", "feedback"]);
      const work = Object.values(trace.phase_durations_ms).reduce((a, b) => a + b, 0);
      expect(work).toBeGreaterThan(0);
      expect(work).toBeLessThanOrEqual(trace.execution_time_ms);
      expect(trace.total_steps).toBe(trace.steps.length);
      expect(new Set(trace.steps.map((s) => s.phase))).toEqual(
        new Set(["planning", "execution", "feedback"]),
      );
      expect(trace.steps.map((s) => s.index)).toEqual(trace.steps.map((_, i) => i));
      expect(trace.steps.some((s) => s.kind === "tool" && s.name.startsWith("metrics:system.cpu"))).toBe(
        true,
      );
      expect(trace.steps.some((s) => s.kind === "analysis")).toBe(true);
      expect(trace.reasoner).toBe("offline");
      expect(trace.data_source).toBe("demo");
      // Demo reads go through the same Redis cache as Datadog reads; the demo source itself costs no Datadog call.
      const reads = trace.steps.filter((s) => s.phase === "execution" && s.kind === "tool");
      expect(reads.length).toBeGreaterThan(0);
      for (const read of reads) expect(["hit", "miss"]).toContain(read.cache);
      expect(trace.usage.cache_hits).toBe(trace.steps.filter((s) => s.cache === "hit").length);
      expect(trace.usage.datadog_calls).toBe(0);
      // What discovery found and what the plan left out of it: every available metric is read or unread.
      const planned = new Set(trace.plan.steps.flatMap((s) => (s.query ? [s.query.metric] : [])));
      expect(trace.available_metrics).toContain("system.cpu.user");
      expect(trace.available_metrics.filter((m) => !planned.has(m))).toEqual(trace.unread_metrics);
      expect(trace.confidence_score).toBeGreaterThan(0);
    });

    it("answers POST /orchestrate in the seed's shape", async () => {
      const res = await h.request("/orchestrate", {
        method: "POST",
        body: JSON.stringify({
          service_id: "checkout",
          session_id: "s-1",
          user_message: "Why did checkout get slower?",
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as OrchestrateBody;
      expect(typeof body.answer).toBe("string");
      expect(body.session_id).toBe("s-1");
      expect(body.job_id).toBeTruthy();
      expect(Date.parse(body.timestamp)).not.toBeNaN();
      expect(body.reasoning_trace.phases).toEqual(["planning", "execution", "feedback"]);
      expect(body.reasoning_trace.total_steps).toBeGreaterThanOrEqual(3);
      expect(body.reasoning_trace.execution_time_ms).toBeGreaterThanOrEqual(0);
      expect(body.reasoning_trace.confidence_score).toBeGreaterThan(0);
      expect(body.reasoning_trace.confidence_score).toBeLessThanOrEqual(1);
    });

    it("reads the window a request or a question names in absolute time", async () => {
      const hour = 3_600_000;
      const to = Math.floor(Date.now() / hour) * hour - hour;
      const asked = await submitJob(h, {
        service_id: "web-app",
        user_message: "How was CPU?",
        options: { from: new Date(to - 2 * hour).toISOString(), to: new Date(to).toISOString() },
      });
      const byQuestion = await submitJob(h, {
        service_id: "web-app",
        user_message: "What happened to errors yesterday between 14:00 and 15:00 UTC?",
      });
      const windowOf = async (id: string) => {
        const body = (await (await h.request(`/jobs/${id}?wait=30`)).json()) as {
          result: { window: { start: string; end: string; label: string } };
        };
        return body.result.window;
      };
      const requested = await windowOf(asked);
      expect(Date.parse(requested.start)).toBe(to - 2 * hour);
      expect(Date.parse(requested.end)).toBe(to);
      expect(requested.label).toMatch(/as requested/);
      const named = await windowOf(byQuestion);
      expect(named.start).toMatch(/T14:00:00/);
      expect(named.end).toMatch(/T15:00:00/);
      expect(Date.parse(named.end) - Date.parse(named.start)).toBe(hour);
    });

    it("answers ?wait=0 at once with the current state", async () => {
      const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app doing?" });
      const res = await h.request(`/jobs/${id}?wait=0`);
      expect(res.status).toBe(200);
      expect(["queued", "planning", "executing", "synthesizing", "completed"]).toContain(
        ((await res.json()) as { status: string }).status,
      );
    });

    it("keeps a session's conversation for its owner", async () => {
      const first = await submitJob(h, {
        service_id: "web-app",
        session_id: "conv-1",
        user_message: "How is CPU on web-app?",
      });
      await h.request(`/jobs/${first}?wait=30`);
      const res = await h.request("/sessions/conv-1/messages");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { messages: Array<{ role: string; job_id: string }> };
      expect(body.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
      expect(body.messages[0]?.job_id).toBe(first);
    });

    it("answers health and readiness without a token", async () => {
      expect((await h.request("/healthz", { token: null })).status).toBe(200);
      const ready = await h.request("/readyz", { token: null });
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { redis: string }).redis).toBe("ok");
    });
  });
}
