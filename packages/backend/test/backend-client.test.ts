import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { UpstreamError } from "@orch/core";
import { freePort, startFakeBackend, type FakeBackend } from "@orch/testkit";
import { BackendClient, ServiceDirectory } from "../src/index.js";

describe("BackendClient against the fake backend", () => {
  let backend: FakeBackend;
  beforeAll(async () => {
    backend = await startFakeBackend({ token: "backend-secret-token" });
  });
  afterEach(() => backend.reset());
  afterAll(async () => {
    await backend?.close();
  });

  const client = (overrides: Partial<ConstructorParameters<typeof BackendClient>[0]> = {}) =>
    new BackendClient({
      url: backend.url,
      token: backend.token,
      timeoutMs: 300,
      retries: 2,
      backoffMs: 10,
      ...overrides,
    });
  const failure = async (p: Promise<unknown>): Promise<UpstreamError> => {
    const error = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  };

  it("reads service info with the bearer token, keeping only well-formed tags", async () => {
    backend.setService("web-app", {
      tags: ["service:web-app", "env:prod", "NOT A TAG"],
      env: "prod",
      datadog: { site: "datadoghq.eu", api_key: "k", app_key: "a" },
    });
    const info = await client().getServiceInfo("web-app");
    expect(info).toMatchObject({
      tags: ["service:web-app", "env:prod"],
      env: "prod",
      datadog: { site: "datadoghq.eu", api_key: "k", app_key: "a" },
    });
    expect(backend.requests[0]).toMatchObject({ method: "GET", path: "/services/web-app", authorized: true });
  });

  it("answers undefined for a service the backend does not know", async () => {
    expect(await client().getServiceInfo("nobody")).toBeUndefined();
  });

  it("retries a 503 with backoff and then succeeds", async () => {
    backend.setService("web-app", { tags: ["service:web-app"] });
    backend.inject({ kind: "server_error", status: 503, times: 2 });
    expect(await client().getServiceInfo("web-app")).toMatchObject({ tags: ["service:web-app"] });
    expect(backend.count("/services/web-app")).toBe(3);
  });

  it("gives up after its retries when the backend is too slow, with a timeout error", async () => {
    backend.inject({ kind: "slow", delay_ms: 2000, times: Infinity });
    const error = await failure(client({ retries: 1 }).getServiceInfo("web-app"));
    expect(error.code).toBe("upstream_timeout");
    expect(error.message).toBe("the backend did not answer within 300 ms");
    expect(backend.count()).toBe(2);
  });

  it("retries dropped connections, and reports a backend that is down", async () => {
    backend.setService("web-app", { tags: ["service:web-app"] });
    backend.inject({ kind: "disconnect", times: 1 });
    expect(await client().getServiceInfo("web-app")).toBeDefined();
    const down = await failure(
      client({ url: `http://127.0.0.1:${await freePort()}` }).getServiceInfo("web-app"),
    );
    expect(down.code).toBe("upstream_error");
    expect(down.message).toMatch(/unreachable \(ECONNREFUSED\)/);
  });

  it("does not retry a refused token, and never repeats the token in its errors", async () => {
    const error = await failure(client({ token: "wrong-token" }).getServiceInfo("web-app"));
    expect(error.code).toBe("upstream_auth");
    expect(error.message).toContain("BACKEND_API_TOKEN");
    expect(error.message).not.toContain("wrong-token");
    expect(backend.count()).toBe(1);
  });

  it("reads chat history for a client with a limit, and posts messages with an idempotency key", async () => {
    backend.setMessages("s-1", [
      { role: "user", content: "q1", job_id: "j1" },
      { role: "assistant", content: "a1", job_id: "j1" },
      { role: "user", content: "q2", job_id: "j2" },
    ]);
    const messages = await client().getChatMessages("s-1", { limit: 2, client: "alice" });
    expect(messages).toEqual([
      { role: "assistant", content: "a1", job_id: "j1" },
      { role: "user", content: "q2", job_id: "j2" },
    ]);
    expect(backend.requests[0]?.query).toEqual({ limit: "2", client: "alice" });
    expect(await client().getChatMessages("no-such-session", { limit: 5 })).toEqual([]);

    const message = {
      role: "assistant" as const,
      content: "a2",
      job_id: "j2",
      service_id: "web-app",
      client: "alice",
      at: "2024-01-01T00:00:00Z",
    };
    await client().addMessage("s-1", message);
    await client().addMessage("s-1", message);
    expect(backend.messages("s-1")).toHaveLength(4);
    expect(backend.requests.filter((r) => r.method === "POST").map((r) => r.idempotencyKey)).toEqual([
      "j2-assistant",
      "j2-assistant",
    ]);
  });
});

describe("ServiceDirectory", () => {
  let backend: FakeBackend;
  beforeAll(async () => {
    backend = await startFakeBackend();
  });
  afterEach(() => backend.reset());
  afterAll(async () => {
    await backend?.close();
  });

  const directory = (cacheMs = 60_000) =>
    new ServiceDirectory(
      new BackendClient({
        url: backend.url,
        token: backend.token,
        timeoutMs: 200,
        retries: 0,
        backoffMs: 10,
      }),
      { cacheMs },
    );

  it("asks the backend once for concurrent and repeated lookups while its answer is fresh", async () => {
    backend.setService("web-app", { tags: ["service:web-app", "env:prod"] });
    const dir = directory();
    const [a, b] = await Promise.all([dir.lookup("web-app"), dir.lookup("web-app")]);
    const c = await dir.lookup("web-app");
    expect(backend.count("/services/web-app")).toBe(1);
    expect(a.step).toMatchObject({ name: "backend.service_info", kind: "tool", status: "ok" });
    expect(a.step?.summary).toContain("tags service:web-app,env:prod");
    expect(b.info).toEqual(a.info);
    expect(c).toMatchObject({ degraded: false, info: a.info });
    expect(c.step).toBeUndefined();
  });

  it("degrades with an error step when the backend fails, and remembers the failure briefly", async () => {
    backend.inject({ kind: "server_error", status: 500, times: Infinity });
    const dir = directory();
    const first = await dir.lookup("web-app");
    expect(first).toMatchObject({
      degraded: true,
      step: { status: "error", error: "upstream_error: the backend answered 500" },
    });
    expect(first.info).toBeUndefined();
    const second = await dir.lookup("web-app");
    expect(second.degraded).toBe(true);
    expect(second.step?.summary).toMatch(/failed \d+ s ago/);
    expect(backend.count()).toBe(1);
  });

  it("lets a caller stop waiting without failing the others waiting on the same lookup", async () => {
    backend.setService("web-app", { tags: ["service:web-app"] });
    backend.inject({ kind: "slow", delay_ms: 100 });
    const dir = directory();
    const controller = new AbortController();
    const impatient = dir.lookup("web-app", controller.signal);
    const patient = dir.lookup("web-app");
    controller.abort(new Error("job cancelled"));
    await expect(impatient).rejects.toThrow("job cancelled");
    expect((await patient).info).toMatchObject({ tags: ["service:web-app"] });
  });
});
