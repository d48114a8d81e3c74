import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freePort,
  startFakeDatadog,
  startFakeOpenAI,
  startRedis,
  type FakeDatadog,
  type FakeOpenAI,
  type RedisServer,
} from "@orch/testkit";
import {
  spawnService,
  untilListening,
  type LogLine,
  type ServiceProcess,
} from "./support/service-process.js";

const USER_TOKEN = "log-test-user-token-6f1c2a9e8d";
const ADMIN_TOKEN = "log-test-admin-token-93b7e0c4aa";
const OPENAI_KEY = "sk-log-test-openai-4d3c2b1a0f9e8d7c";
const DD_API_KEY = "dd-log-test-api-key-77aa66bb55cc";
const DD_APP_KEY = "dd-log-test-app-key-11ee22ff33dd";
const METRICS_TOKEN = "log-test-metrics-token-5a5a5a5a5a";
const WEBHOOK_SECRET = "log-test-webhook-secret-c0ffee00";
const SECRETS = [USER_TOKEN, ADMIN_TOKEN, OPENAI_KEY, DD_API_KEY, DD_APP_KEY, METRICS_TOKEN, WEBHOOK_SECRET];

/**
 * The API and a worker as production processes (JSON logs, LOG_LEVEL=debug) with every kind of
 * secret configured; the model echoes its API key in an error, as real gateways sometimes do.
 */
describe("logs of a production run", () => {
  let redis: RedisServer;
  let openai: FakeOpenAI;
  let datadog: FakeDatadog;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let base: string;
  const jobIds: string[] = [];
  let exitCodes: Array<number | null> = [];
  let clientSaw = "";

  beforeAll(async () => {
    redis = await startRedis();
    openai = await startFakeOpenAI({
      apiKey: OPENAI_KEY,
      handler: (req) =>
        req.messages.some((m) => m.content.includes("leak drill"))
          ? {
              kind: "error",
              status: 401,
              message: `Incorrect API key provided: ${OPENAI_KEY}.`,
              type: "invalid_request_error",
              code: "invalid_api_key",
            }
          : { kind: "default" },
    });
    datadog = await startFakeDatadog({ apiKey: DD_API_KEY, appKey: DD_APP_KEY });
    datadog.inject({ kind: "server_error", status: 500, path: "/api/v1/query", times: 2 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env = {
      REDIS_URL: redis.url,
      LOG_LEVEL: "debug",
      API_TOKENS: `${USER_TOKEN};name=alice,${ADMIN_TOKEN};name=ops;role=admin`,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: openai.url,
      DATADOG_API_KEY: DD_API_KEY,
      DATADOG_APP_KEY: DD_APP_KEY,
      DATADOG_API_URL: datadog.url,
      METRICS_TOKEN,
      WEBHOOK_SECRET,
    };
    api = spawnService("api", { ...env, PORT: String(port) });
    worker = spawnService("worker", env);
    await untilListening(api, base);

    const post = (message: string, headers: Record<string, string> = {}) =>
      fetch(`${base}/jobs`, {
        method: "POST",
        headers: { Authorization: `Bearer ${USER_TOKEN}`, "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ service_id: "api-gateway", user_message: message }),
      });
    const first = await post("Why are 5xx errors up?", { "X-Request-Id": "trace-me-123" });
    expect(first.headers.get("x-request-id")).toBe("trace-me-123");
    jobIds.push(((await first.json()) as { job_id: string }).job_id);
    jobIds.push(((await (await post("Check CPU (leak drill)")).json()) as { job_id: string }).job_id);
    await fetch(`${base}/jobs/nosuchjob123`, { headers: { Authorization: `Bearer not-${USER_TOKEN}` } });
    // A token pasted where a job id goes lands in the logged path.
    await fetch(`${base}/jobs/${USER_TOKEN}`, { headers: { Authorization: `Bearer ${USER_TOKEN}` } });
    await fetch(`${base}/admin/queues`, {
      headers: { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString("base64")}` },
    });
    await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    for (const id of jobIds) {
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${base}/jobs/${id}?wait=20`, {
          headers: { Authorization: `Bearer ${USER_TOKEN}` },
        });
        const text = await res.text();
        clientSaw += text;
        if (/"status":"(completed|failed|cancelled)"/.test(text)) break;
      }
      clientSaw += await (
        await fetch(`${base}/jobs/${id}/trace`, { headers: { Authorization: `Bearer ${USER_TOKEN}` } })
      ).text();
    }
    exitCodes = await Promise.all([api.signal("SIGTERM"), worker.signal("SIGTERM")]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([api?.signal("SIGKILL"), worker?.signal("SIGKILL")]);
    await redis?.stop();
    await openai?.close();
    await datadog?.close();
  });

  it("writes one JSON object per line, and both processes shut down cleanly", () => {
    expect(exitCodes).toEqual([0, 0]);
    for (const service of [api, worker]) {
      const lines = service.lines();
      expect(lines.length).toBeGreaterThan(3);
      for (const line of lines)
        expect(
          typeof line.level === "number" && typeof line.time === "number" && typeof line.msg === "string",
        ).toBe(true);
    }
  });

  it("never writes a token, key or secret, wherever it turns up", () => {
    const everything = api.stdout() + api.stderr() + worker.stdout() + worker.stderr();
    for (const secret of SECRETS)
      expect(everything.includes(secret), `a secret ending in ${secret.slice(-4)} was logged`).toBe(false);
    // The pasted token was there to redact.
    expect(everything).toContain('"path":"/jobs/[REDACTED]"');
  });

  it("never shows a client the model's key, even when the model echoed it in an error", () => {
    expect(openai.requests.some((r) => r.body.messages.some((m) => m.content.includes("leak drill")))).toBe(
      true,
    );
    expect(clientSaw).toContain(jobIds[1]);
    expect(clientSaw.includes(OPENAI_KEY)).toBe(false);
  });

  it("logs each request once, with the caller's X-Request-Id and the client's name", () => {
    const requests = api.lines().filter((l) => l.msg === "request");
    const posts = requests.filter((l) => l.method === "POST" && l.path === "/jobs");
    expect(posts).toHaveLength(2);
    expect(posts[0]).toMatchObject({ requestId: "trace-me-123", client: "alice", status: 202 });
    expect(new Set(requests.map((l) => l.requestId)).size).toBe(requests.length);
    const refused = requests.find((l) => l.path === "/jobs/nosuchjob123");
    expect(refused).toMatchObject({ status: 401 });
  });

  it("puts the job id and phase on every line a phase writes", () => {
    const lines = worker.lines();
    const phaseLines = lines.filter((l) => typeof l.msg === "string" && /^phase /.test(l.msg));
    expect(phaseLines.length).toBeGreaterThanOrEqual(4);
    for (const line of phaseLines) {
      expect(jobIds).toContain(line.jobId);
      expect(["planning", "execution", "feedback"]).toContain(line.phase);
    }
    const first = lines.filter((l) => l.jobId === jobIds[0]);
    expect(new Set(first.map((l) => l.phase))).toEqual(new Set(["planning", "execution", "feedback"]));
  });

  it("honours LOG_LEVEL=debug: scrapes and probes are logged, at debug", () => {
    const scrape = api.lines().find((l: LogLine) => l.msg === "request" && l.path === "/metrics");
    expect(scrape).toMatchObject({ level: 20, status: 200 });
  });
});

describe("LOG_LEVEL", () => {
  it("keeps a process at warn quiet about routine work", async () => {
    const redis = await startRedis();
    const port = await freePort();
    const api = spawnService("api", {
      REDIS_URL: redis.url,
      PORT: String(port),
      LOG_LEVEL: "warn",
      API_TOKENS: USER_TOKEN,
    });
    try {
      await untilListening(api, `http://127.0.0.1:${port}`);
      await fetch(`http://127.0.0.1:${port}/jobs/nosuchjob123`, {
        headers: { Authorization: `Bearer ${USER_TOKEN}` },
      });
      await fetch(`http://127.0.0.1:${port}/jobs/nosuchjob123`);
      expect(await api.signal("SIGTERM")).toBe(0);
      expect(api.lines().filter((l) => l.level < 40)).toEqual([]);
      expect(api.stdout() + api.stderr()).not.toContain(USER_TOKEN);
    } finally {
      await api.signal("SIGKILL");
      await redis.stop();
    }
  });
});
