import { connect } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_TOKEN, TOKEN, startHarness, type Harness } from "../support/orchestrator-harness.js";

interface Accepted {
  job_id: string;
  status: string;
}

describe("Idempotency-Key", () => {
  let h: Harness;
  let redis: Redis;
  beforeAll(async () => {
    h = await startHarness();
    redis = new Redis(h.redis.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
  });

  const post = (path: string, body: unknown, key?: string, token?: string) =>
    h.request(path, {
      method: "POST",
      body: JSON.stringify(body),
      headers: key === undefined ? {} : { "Idempotency-Key": key },
      ...(token ? { token } : {}),
    });
  const jobCount = async () => (await redis.keys("orch:job:{*}")).filter((k) => !k.includes("}:")).length;

  it("returns the same job for the same key and request, marked as a replay", async () => {
    const body = { service_id: "web-app", user_message: "How is web-app doing?" };
    const first = await post("/jobs", body, "retry-safe-1");
    expect(first.status).toBe(202);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const original = (await first.json()) as Accepted;

    const jobsBefore = await jobCount();
    const again = await post("/jobs", body, "retry-safe-1");
    expect(again.status).toBe(202);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("location")).toBe(`/jobs/${original.job_id}`);
    expect(((await again.json()) as Accepted).job_id).toBe(original.job_id);
    expect(await jobCount()).toBe(jobsBefore);

    // The same JSON with keys in another order and extra whitespace is the same request.
    const reordered = await h.request("/jobs", {
      method: "POST",
      body: ' { "user_message": "How is web-app doing?",  "service_id": "web-app" } ',
      headers: { "Idempotency-Key": "retry-safe-1" },
    });
    expect(((await reordered.json()) as Accepted).job_id).toBe(original.job_id);
  });

  it("answers 422 when the key was used with a different request", async () => {
    await post("/jobs", { service_id: "web-app", user_message: "How is CPU?" }, "reused-key");
    const res = await post("/jobs", { service_id: "web-app", user_message: "How is memory?" }, "reused-key");
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as { code: string; detail: string };
    expect(problem.code).toBe("unprocessable");
    expect(problem.detail).toMatch(/already used with a different request/);
    // A key used on POST /jobs does not stand for the same request on POST /orchestrate.
    const other = await post(
      "/orchestrate",
      { service_id: "web-app", user_message: "How is CPU?" },
      "reused-key",
    );
    expect(other.status).toBe(422);
  });

  it("says the route differs when a key used on POST /jobs comes back on POST /orchestrate", async () => {
    const body = { service_id: "web-app", user_message: "How is disk?" };
    const first = (await (await post("/jobs", body, "route-bound-key")).json()) as Accepted;
    const res = await post("/orchestrate", body, "route-bound-key");
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { code: string; detail: string; job_id: string };
    expect(problem.code).toBe("unprocessable");
    expect(problem.job_id).toBe(first.job_id);
    expect(problem.detail).toMatch(/already used on POST \/jobs .*not POST \/orchestrate/);
    expect(problem.detail).not.toMatch(/different request/);
  });

  it("refuses two Idempotency-Key headers, saying only one may be sent", async () => {
    const body = JSON.stringify({ service_id: "web-app", user_message: "How is web-app?" });
    // As two header lines (raw HTTP) and as one joined line (fetch joins repeated headers).
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(h.base).port), "127.0.0.1", () => {
        socket.write(
          `POST /jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TOKEN}\r\n` +
            `Content-Type: application/json\r\nIdempotency-Key: first-key\r\nIdempotency-Key: second-key\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1.1 400/);
    expect(raw).toMatch(/Only one Idempotency-Key header may be sent/);

    const headers = new Headers({ "Idempotency-Key": "first-key" });
    headers.append("Idempotency-Key", "second-key");
    const joined = await h.request("/jobs", { method: "POST", body, headers });
    expect(joined.status).toBe(400);
    expect(((await joined.json()) as { detail: string }).detail).toMatch(/Only one Idempotency-Key/);
  });

  it("creates exactly one job when two requests with the same key arrive together", async () => {
    const body = { service_id: "payments", user_message: "Why is memory growing on payments?" };
    const jobsBefore = await jobCount();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post("/jobs", body, "concurrent-key")));
    expect(answers.map((r) => r.status)).toEqual(Array(8).fill(202));
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as Accepted).job_id));
    expect(new Set(ids).size).toBe(1);
    expect(answers.filter((r) => r.headers.get("idempotent-replayed") === "true").length).toBe(7);
    expect(await jobCount()).toBe(jobsBefore + 1);
  });

  it("keeps keys apart per token: the same key from another token is another job", async () => {
    const body = { service_id: "web-app", user_message: "Is web-app healthy?" };
    const mine = (await (await post("/jobs", body, "shared-key")).json()) as Accepted;
    const theirs = await post("/jobs", body, "shared-key", OTHER_TOKEN);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(((await theirs.json()) as Accepted).job_id).not.toBe(mine.job_id);
  });

  it("replays POST /orchestrate with the same job and answer, and keeps the key for 24 hours", async () => {
    const body = {
      service_id: "checkout",
      session_id: "idem-s1",
      user_message: "Why did checkout get slower?",
    };
    const first = await post("/orchestrate", body, "orchestrate-key");
    expect(first.status).toBe(200);
    const answer = (await first.json()) as { job_id: string; answer: string };
    const again = await post("/orchestrate", body, "orchestrate-key");
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const replay = (await again.json()) as { job_id: string; answer: string };
    expect(replay.job_id).toBe(answer.job_id);
    expect(replay.answer).toBe(answer.answer);

    const ttl = await redis.ttl((await redis.keys("orch:idem:*orchestrate-key"))[0]!);
    expect(ttl).toBeGreaterThan(86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(86_400);
    // The conversation got one exchange, not two.
    const messages = (await (await h.request("/sessions/idem-s1/messages")).json()) as {
      messages: unknown[];
    };
    expect(messages.messages).toHaveLength(2);
  });

  it("rejects a key that is empty, too long or not visible ASCII, naming the header", async () => {
    const body = { service_id: "web-app", user_message: "How is web-app?" };
    for (const key of ["", "x".repeat(256), "has space", "naïve"]) {
      const res = await h.request("/jobs", {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "Idempotency-Key": Buffer.from(key, "utf8").toString("latin1") },
      });
      expect(res.status, key).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/idempotency-key/i);
    }
    expect((await post("/jobs", body, "x".repeat(255))).status).toBe(202);
  });
});
