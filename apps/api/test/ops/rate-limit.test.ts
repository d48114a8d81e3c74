import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiRuntime, type ApiRuntime } from "../../src/api-runtime.js";
import {
  ADMIN_TOKEN,
  METRICS_TOKEN,
  OTHER_TOKEN,
  TOKEN,
  startOpsStack,
  submit,
  type OpsStack,
} from "./support/ops-stack.js";

interface ProblemBody {
  status: number;
  code: string;
  detail: string;
  retry_after_seconds?: number;
}

const PER_MINUTE = 5;

describe("the per-token request rate limit", () => {
  let stack: OpsStack;
  let second: ApiRuntime;
  beforeAll(async () => {
    stack = await startOpsStack({
      workers: false,
      env: { METRICS_TOKEN },
      config: { api: { rate_limit_per_minute: PER_MINUTE } },
    });
    // Another API instance on the same Redis, as behind a load balancer.
    second = await startApiRuntime(stack.config, stack.redis.url, pino({ level: "silent" }), 0);
  });
  afterAll(async () => {
    await second?.close();
    await stack?.close();
  });

  it("answers 429 with Retry-After once a token used its requests for the minute", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE; i++) {
      const res = await stack.request("/jobs/nosuchjob123");
      statuses.push(res.status);
      expect(Number(res.headers.get("ratelimit-remaining"))).toBe(PER_MINUTE - 1 - i);
    }
    expect(statuses).toEqual(Array(PER_MINUTE).fill(404));

    const limited = await stack.request("/jobs/nosuchjob123");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await limited.json()) as ProblemBody;
    expect(body.code).toBe("rate_limited");
    expect(body.detail).toMatch(new RegExp(`more than ${PER_MINUTE} requests in a minute`));
    expect(body.retry_after_seconds).toBe(retryAfter);
  });

  it("holds across API instances, because the counters live in Redis", async () => {
    const res = await fetch(`http://127.0.0.1:${second.port}/jobs/nosuchjob123`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(429);
  });

  it("counts each token on its own", async () => {
    expect((await stack.request("/jobs/nosuchjob123", { token: OTHER_TOKEN })).status).toBe(404);
  });

  it("never limits health, readiness, docs or metrics", async () => {
    for (let i = 0; i < PER_MINUTE * 2; i++) {
      for (const path of ["/healthz", "/readyz", "/openapi.json", "/docs"]) {
        expect((await fetch(`${stack.base}${path}`)).status, path).toBe(200);
      }
      expect((await stack.request("/metrics", { token: METRICS_TOKEN })).status).toBe(200);
    }
  });

  it("is counted in orch_rate_limited_total", async () => {
    const text = await (await stack.request("/metrics", { token: ADMIN_TOKEN })).text();
    expect(text).toMatch(/orch_rate_limited_total\{reason="rate"\} [1-9]/);
  });
});

describe("the cap on jobs in flight per token", () => {
  let stack: OpsStack;
  beforeAll(async () => {
    // No workers: submitted jobs stay in flight until cancelled.
    stack = await startOpsStack({ workers: false, config: { api: { max_jobs_in_flight: 2 } } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const question = { service_id: "web-app", user_message: "Is anything wrong?" };

  it("refuses a job past the cap with 429, saying how many are in flight", async () => {
    const first = await submit(stack, question);
    await submit(stack, question);
    const res = await stack.request("/jobs", { method: "POST", body: JSON.stringify(question) });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await res.json()) as ProblemBody & { in_flight: number; limit: number };
    expect(body.detail).toMatch(/has 2 jobs in flight and the limit is 2/);
    expect(body).toMatchObject({ in_flight: 2, limit: 2 });

    // POST /orchestrate submits a job too, so the same cap applies.
    const sync = await stack.request("/orchestrate", { method: "POST", body: JSON.stringify(question) });
    expect(sync.status).toBe(429);

    // Another token has its own allowance.
    expect(
      (await stack.request("/jobs", { method: "POST", body: JSON.stringify(question), token: OTHER_TOKEN }))
        .status,
    ).toBe(202);

    // A job that ends frees its place.
    expect((await stack.request(`/jobs/${first}`, { method: "DELETE" })).status).toBe(200);
    expect((await stack.request("/jobs", { method: "POST", body: JSON.stringify(question) })).status).toBe(
      202,
    );
  });

  it("is counted in orch_rate_limited_total", async () => {
    const text = await (await stack.request("/metrics", { token: ADMIN_TOKEN })).text();
    expect(text).toMatch(/orch_rate_limited_total\{reason="in_flight"\} 2/);
  });
});
