import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_FAILURES_PER_MINUTE } from "../../src/ops/auth-failure-limit.js";
import { ADMIN_TOKEN, OTHER_TOKEN, startOpsStack, type OpsStack } from "./support/ops-stack.js";

interface ProblemBody {
  status: number;
  code: string;
  detail: string;
  retry_after_seconds?: number;
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("the limit on failed authentications per client address", () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack({ workers: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("answers 401 to each of the first guesses and 429 with Retry-After past the limit", async () => {
    // A client with a valid token has used it from this address before the guessing starts.
    expect((await stack.request("/jobs/nosuchjob123")).status).toBe(404);

    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURES_PER_MINUTE; i++) {
      statuses.push((await stack.request("/jobs/nosuchjob123", { token: `guess-${i}` })).status);
    }
    expect(statuses).toEqual(Array(AUTH_FAILURES_PER_MINUTE).fill(401));

    const limited = await stack.request("/jobs/nosuchjob123", { token: "guess-next" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await limited.json()) as ProblemBody;
    expect(body.code).toBe("rate_limited");
    expect(body.detail).toMatch(/failed authentications from this address/);
    expect(body.retry_after_seconds).toBe(retryAfter);
  });

  it("stops checking other tokens from the blocked address, so a right guess looks like a wrong one", async () => {
    // OTHER_TOKEN is valid, but was never used from here: while blocked it is not even compared.
    expect((await stack.request("/jobs/nosuchjob123", { token: OTHER_TOKEN })).status).toBe(429);
    expect((await stack.request("/jobs/nosuchjob123", { token: "guess-again" })).status).toBe(429);
  });

  it("keeps letting in the token that already worked from the address", async () => {
    const res = await stack.request("/jobs/nosuchjob123");
    expect(res.status).toBe(404);
  });

  it("never limits health, readiness or the docs", async () => {
    for (const path of ["/healthz", "/readyz", "/openapi.json"]) {
      expect((await fetch(`${stack.base}${path}`)).status, path).toBe(200);
    }
  });

  it("covers every place a token is checked: Bull Board's Basic sign-in and /metrics too", async () => {
    const board = await fetch(`${stack.base}/admin/queues`, {
      headers: { Authorization: basic("admin", "guessed-password") },
    });
    expect(board.status).toBe(429);
    const metrics = await stack.request("/metrics", { token: ADMIN_TOKEN });
    expect(metrics.status).toBe(429);
    // No credentials at all are no guess: they still get the sign-in challenge.
    expect((await fetch(`${stack.base}/admin/queues`)).status).toBe(401);
  });

  it("is counted in orch_rate_limited_total", async () => {
    const text = await stack.registry.getSingleMetricAsString("orch_rate_limited_total");
    expect(text).toMatch(/orch_rate_limited_total\{reason="auth_failures"\} [1-9]/);
  });
});
