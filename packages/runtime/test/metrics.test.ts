import { pino } from "pino";
import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  countJobEnds,
  createMetricsRegistry,
  METRIC_PREFIX,
  sharedMetric,
  startMetricsServer,
} from "@orch/runtime";

const quiet = pino({ level: "silent" });

describe("the metrics registry", () => {
  it("carries the process metrics under the orch_ prefix", async () => {
    const text = await createMetricsRegistry().metrics();
    expect(text).toContain(`${METRIC_PREFIX}process_cpu_user_seconds_total`);
    expect(text).toContain(`${METRIC_PREFIX}nodejs_eventloop_lag_seconds`);
  });

  it("shares a metric that two parts of one process define", () => {
    const registry = new Registry();
    const create = (registers: Registry[]) => new Counter({ name: "orch_x_total", help: "x", registers });
    expect(sharedMetric(registry, "orch_x_total", create)).toBe(
      sharedMetric(registry, "orch_x_total", create),
    );
  });

  it("counts job ends by status, from zero, once when the API and workers share a registry", async () => {
    const registry = new Registry();
    const api = countJobEnds(registry);
    const worker = countJobEnds(registry);
    api({ id: "j1", owner: "o", status: "cancelled" });
    worker({ id: "j2", owner: "o", status: "completed" });
    worker({ id: "j3", owner: "o", status: "completed" });
    const text = await registry.metrics();
    expect(text).toContain('orch_jobs_ended_total{status="completed"} 2');
    expect(text).toContain('orch_jobs_ended_total{status="cancelled"} 1');
    expect(text).toContain('orch_jobs_ended_total{status="failed"} 0');
  });
});

describe("the metrics port", () => {
  it("serves /metrics and /healthz without auth, and refuses anything else", async () => {
    const registry = createMetricsRegistry();
    const server = await startMetricsServer(registry, 0, "127.0.0.1", quiet);
    const base = `http://127.0.0.1:${server.port}`;
    try {
      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get("content-type")).toBe(registry.contentType);
      expect(await metrics.text()).toContain("orch_process_cpu_user_seconds_total");
      const health = await fetch(`${base}/healthz`);
      expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
      expect((await fetch(`${base}/jobs`)).status).toBe(404);
      const post = await fetch(`${base}/metrics`, { method: "POST" });
      expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    } finally {
      await server.close();
    }
  });
});
