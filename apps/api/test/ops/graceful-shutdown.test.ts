import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startFakeOpenAI, startRedis, type FakeOpenAI, type RedisServer } from "@orch/testkit";
import { eventually } from "../support/worker-process.js";
import { TOKEN, startOpsStack, submit, waitForEnd, type OpsStack } from "./support/ops-stack.js";
import { spawnService, untilListening, type ServiceProcess } from "./support/service-process.js";

const terminal = (status: unknown) => ["completed", "failed", "cancelled"].includes(String(status));

/**
 * A worker process gets SIGTERM while a phase is mid-way (the model answers after 1.5 s): it must
 * finish that phase, save it, chain the next, take nothing new, and exit 0.
 */
describe("a worker given SIGTERM", () => {
  let stack: OpsStack;
  let openai: FakeOpenAI;
  let redis: Redis;
  let worker: ServiceProcess | undefined;

  beforeAll(async () => {
    openai = await startFakeOpenAI({ handler: () => ({ kind: "default", delay_ms: 1500 }) });
    stack = await startOpsStack({
      workers: false,
      env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url },
    });
    redis = new Redis(stack.redis.url);
  });
  afterAll(async () => {
    await worker?.signal("SIGKILL");
    redis?.disconnect();
    await stack?.close();
    await openai?.close();
  });

  it("runs WORKER_PROCESSES processes under a supervisor that replaces a dead one and drains all on SIGTERM", async () => {
    const supervisor = spawnService("worker", { ...stack.env, LOG_LEVEL: "info", WORKER_PROCESSES: "2" });
    const started = () =>
      supervisor
        .stdout()
        .split("\n")
        .filter((l) => l.includes('"workers started"'));
    await eventually(() => started().length === 2, 60_000, "two worker processes to start");
    const pids = started().map((l) => (JSON.parse(l) as { pid: number }).pid);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(supervisor.child.pid);

    process.kill(pids[0]!, "SIGKILL");
    await eventually(() => started().length === 3, 60_000, "a replacement worker process");
    const id = await submit(stack, {
      service_id: "api-gateway",
      user_message: "Served by the supervised workers",
    });
    expect((await waitForEnd(stack, id, 60)).status).toBe("completed");

    const code = await supervisor.signal("SIGTERM");
    expect(code, supervisor.stdout() + supervisor.stderr()).toBe(0);
    const completes = supervisor
      .stdout()
      .split("\n")
      .filter((l) => l.includes('"shutdown complete"'));
    // Both worker processes drained, then the supervisor.
    expect(completes.length).toBe(3);
  });

  it("drains instead of dying when SIGTERM arrives during start-up", async () => {
    const starting = spawnService("worker", { ...stack.env, LOG_LEVEL: "info" });
    // Its handlers are in place before it connects to Redis, and its workers start after.
    await eventually(
      () => starting.stdout().includes("connecting to Redis"),
      30_000,
      "the worker to begin starting",
    );

    const code = await starting.signal("SIGTERM");

    expect(code, starting.stdout() + starting.stderr()).toBe(0);
    expect(starting.stdout()).toContain("shutdown complete");
  });

  it("finishes its current phase, takes no new job, exits 0, and the job completes", async () => {
    worker = spawnService("worker", { ...stack.env, LOG_LEVEL: "info" });
    const question = "Why are 5xx errors up? (drain drill)";
    const id = await submit(stack, { service_id: "api-gateway", user_message: question });
    await eventually(
      async () =>
        (await redis.hget(`orch:job:{${id}}`, "status")) === "planning" &&
        openai.requests.some((r) => r.body.messages.some((m) => m.content.includes(question))),
      60_000,
      "planning to be waiting on the model",
    );

    const exit = worker.signal("SIGTERM");
    await eventually(
      () => worker!.stdout().includes("shutting down"),
      10_000,
      "the worker to start draining",
    );
    const later = await submit(stack, {
      service_id: "api-gateway",
      user_message: "Submitted during the drain",
    });
    expect(await exit, worker.stdout() + worker.stderr()).toBe(0);

    // The phase it was running finished and was saved once; the next phase is queued for another worker.
    const afterDrain = (await (await stack.request(`/jobs/${id}`)).json()) as {
      status: string;
      progress: { phases_completed: string[] };
    };
    expect(afterDrain.progress.phases_completed).toContain("planning");
    expect(afterDrain.status).toBe("executing");
    expect(await redis.hget(`orch:job:{${id}}`, "runs:planning")).toBe("1");
    expect(worker.stdout()).toMatch(/"phase":"planning".*"msg":"phase finished"/);
    expect(((await (await stack.request(`/jobs/${later}`)).json()) as { status: string }).status).toBe(
      "queued",
    );

    await stack.startWorkers();
    const view = await waitForEnd(stack, id, 90);
    expect(view.status, JSON.stringify(view.error)).toBe("completed");
    expect(await redis.hget(`orch:job:{${id}}`, "runs:planning")).toBe("1");
    expect(terminal((await waitForEnd(stack, later, 90)).status)).toBe(true);
  });
});

/** The API process gets SIGTERM while clients wait on jobs no worker is running. */
describe("the API given SIGTERM", () => {
  let redis: RedisServer;
  let api: ServiceProcess | undefined;
  let base: string;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await api?.signal("SIGKILL");
    await redis?.stop();
  });

  /**
   * Watches Redis (MONITOR) for a command naming `fragment`, which the API sends once a request has
   * reached it; `seen` resolves then. The watch is in place when this returns.
   */
  const apiSends = async (fragment: string): Promise<{ readonly seen: Promise<void> }> => {
    const client = new Redis(redis.url);
    const monitor = await client.monitor();
    const seen = new Promise<void>((resolve) => {
      monitor.on("monitor", (_time: string, args: readonly string[]) => {
        if (args.some((arg) => arg.includes(fragment))) resolve();
      });
    }).finally(() => {
      monitor.disconnect();
      client.disconnect();
    });
    return { seen };
  };

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json", ...init.headers },
    });

  it("answers a long wait at once with the job as it is, refuses new connections, and exits 0", async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawnService("api", {
      REDIS_URL: redis.url,
      PORT: String(port),
      API_TOKENS: TOKEN,
      LOG_LEVEL: "info",
    });
    await untilListening(api, base);
    const body = JSON.stringify({ service_id: "web-app", user_message: "Anything wrong?" });
    const { job_id } = (await (await call("/jobs", { method: "POST", body })).json()) as { job_id: string };

    const reached = await apiSends(job_id);
    const waiting = call(`/jobs/${job_id}?wait=60`);
    // Once the request is in the server, the answer does not depend on how far it got.
    await reached.seen;
    const signalled = Date.now();
    const exit = api.signal("SIGTERM");
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("queued");
    expect(await exit, api.stdout() + api.stderr()).toBe(0);
    // Far below the 60 s wait: shutdown cut it short instead of hanging on it.
    expect(Date.now() - signalled).toBeLessThan(20_000);
    expect(api.stdout()).toContain("shutdown complete");
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it("answers a waiting POST /orchestrate with 202 and the job id, and exits 0", async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawnService("api", {
      REDIS_URL: redis.url,
      PORT: String(port),
      API_TOKENS: TOKEN,
      LOG_LEVEL: "info",
    });
    await untilListening(api, base);
    const reached = await apiSends("orch:job:{");
    const waiting = call("/orchestrate", {
      method: "POST",
      body: JSON.stringify({ service_id: "web-app", session_id: "drain", user_message: "Anything wrong?" }),
    });
    await reached.seen;
    const signalled = Date.now();
    const exit = api.signal("SIGTERM");
    const res = await waiting;
    // Well before orchestrator.timeout_seconds (30 s): the wait was cut short, not sat out.
    expect(Date.now() - signalled).toBeLessThan(20_000);
    expect(res.status).toBe(202);
    expect(((await res.json()) as { job_id: string }).job_id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(await exit, api.stdout() + api.stderr()).toBe(0);
  });
});
