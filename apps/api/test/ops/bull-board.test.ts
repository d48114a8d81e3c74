import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, TOKEN, startOpsStack, submit, waitForEnd, type OpsStack } from "./support/ops-stack.js";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

interface BoardQueue {
  name: string;
  readOnlyMode: boolean;
  isPaused: boolean;
  counts: Record<string, number>;
}

async function boardQueues(stack: OpsStack): Promise<BoardQueue[]> {
  const res = await fetch(`${stack.base}/admin/queues/api/queues`, {
    headers: { Authorization: basic("admin", ADMIN_TOKEN) },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { queues: BoardQueue[] }).queues;
}

describe("Bull Board at /admin/queues", () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("asks for credentials with a Basic challenge, so a browser shows its sign-in dialog", async () => {
    const res = await fetch(`${stack.base}/admin/queues`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic realm="Bull Board"/);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/admin API token/);
  });

  it("refuses a wrong password with 401 and a token without the admin role with 403", async () => {
    const wrong = await fetch(`${stack.base}/admin/queues`, {
      headers: { Authorization: basic("admin", "not-a-token") },
    });
    expect(wrong.status).toBe(401);
    const user = await fetch(`${stack.base}/admin/queues`, {
      headers: { Authorization: basic("admin", TOKEN) },
    });
    expect(user.status).toBe(403);
    expect(((await user.json()) as { detail: string }).detail).toMatch(/not an admin token/);
    const userBearer = await fetch(`${stack.base}/admin/queues/api/queues`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(userBearer.status).toBe(403);
  });

  it("guards the board's JSON API and static files as well as its page", async () => {
    for (const path of [
      "/admin/queues/api/queues",
      "/admin/queues/static/favicon-32x32.png",
      "/admin/queues/queue/planning",
    ]) {
      expect((await fetch(`${stack.base}${path}`)).status, path).toBe(401);
    }
  });

  it("shows the board to an admin token given as the Basic password, without remote fonts", async () => {
    const res = await fetch(`${stack.base}/admin/queues`, {
      headers: { Authorization: basic("admin", ADMIN_TOKEN) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('<base href="/admin/queues/"');
    expect(page).toContain("<title>AI Orchestrator</title>");
    expect(page).not.toMatch(/https?:\/\/(?!localhost)[^"']*\.(css|js)|fonts\.googleapis/);
  });

  it("lists every queue (phases, alerts, webhooks) with their jobs, for a Basic or a Bearer admin token", async () => {
    const id = await submit(stack, { service_id: "web-app", user_message: "How is memory trending?" });
    await waitForEnd(stack, id, 60);
    const queues = await boardQueues(stack);
    expect(queues.map((q) => q.name)).toEqual(["planning", "execution", "feedback", "alerts", "webhooks"]);
    expect(queues.every((q) => !q.readOnlyMode)).toBe(true);
    // Planning ran to completion whatever the job's outcome, and the board sees it. Phases run
    // inline end the job inside the planning job, so BullMQ may mark it completed a moment later.
    await expect
      .poll(
        async () => (await boardQueues(stack)).find((q) => q.name === "planning")?.counts.completed ?? 0,
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThanOrEqual(1);
    const bearer = await fetch(`${stack.base}/admin/queues/api/queues`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(bearer.status).toBe(200);
  });

  it("lets an admin pause and resume a queue (Bull Board parses its own request bodies)", async () => {
    const headers = {
      Authorization: basic("admin", ADMIN_TOKEN),
      "Content-Type": "application/json",
      Origin: stack.base,
    };
    const paused = await fetch(`${stack.base}/admin/queues/api/queues/feedback/pause`, {
      method: "PUT",
      headers,
      body: "{}",
    });
    expect(paused.status).toBe(200);
    expect((await boardQueues(stack)).find((q) => q.name === "feedback")?.isPaused).toBe(true);
    const resumed = await fetch(`${stack.base}/admin/queues/api/queues/feedback/resume`, {
      method: "PUT",
      headers,
      body: "{}",
    });
    expect(resumed.status).toBe(200);
    expect((await boardQueues(stack)).find((q) => q.name === "feedback")?.isPaused).toBe(false);
  });

  it("refuses changes sent from another origin, so a page elsewhere cannot use an admin's browser", async () => {
    const forged = await fetch(`${stack.base}/admin/queues/api/queues/planning/pause`, {
      method: "PUT",
      headers: {
        Authorization: basic("admin", ADMIN_TOKEN),
        "Content-Type": "text/plain",
        Origin: "https://evil.example",
      },
      body: "{}",
    });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { detail: string }).detail).toMatch(/another origin/);
    expect((await boardQueues(stack)).find((q) => q.name === "planning")?.isPaused).toBe(false);
    const sameOrigin = await fetch(`${stack.base}/admin/queues/api/queues/planning/resume`, {
      method: "PUT",
      headers: { Authorization: basic("admin", ADMIN_TOKEN), Origin: stack.base },
      body: "{}",
    });
    expect(sameOrigin.status).toBe(200);
  });

  it("refuses a change that says neither where it came from nor X-Requested-With", async () => {
    const bare = await fetch(`${stack.base}/admin/queues/api/queues/pause`, {
      method: "PUT",
      headers: { Authorization: basic("admin", ADMIN_TOKEN), "Content-Type": "application/json" },
      body: "{}",
    });
    expect(bare.status).toBe(403);
    expect(bare.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const problem = (await bare.json()) as { code: string; detail: string };
    expect(problem.code).toBe("forbidden");
    expect(problem.detail).toMatch(/Origin.*X-Requested-With/);
    expect((await boardQueues(stack)).every((q) => !q.isPaused)).toBe(true);
    // A script sends a header that no cross-site form or simple request can carry.
    const scripted = await fetch(`${stack.base}/admin/queues/api/queues/planning/pause`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "X-Requested-With": "curl" },
      body: "{}",
    });
    expect(scripted.status).toBe(200);
    expect((await boardQueues(stack)).find((q) => q.name === "planning")?.isPaused).toBe(true);
    const resumed = await fetch(`${stack.base}/admin/queues/api/queues/planning/resume`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Sec-Fetch-Site": "same-origin" },
      body: "{}",
    });
    expect(resumed.status).toBe(200);
  });

  it("takes the admin token as the Basic user name with an empty password too", async () => {
    const res = await fetch(`${stack.base}/admin/queues`, {
      headers: { Authorization: basic(ADMIN_TOKEN, "") },
    });
    expect(res.status).toBe(200);
  });

  it("answers a path that escapes the board's files with a problem document, not the board's own error", async () => {
    for (const path of [
      "/admin/queues/static/..%2f..%2fpackage.json",
      "/admin/queues/static/no-such-file.js",
    ]) {
      const res = await fetch(`${stack.base}${path}`, {
        headers: { Authorization: basic("admin", ADMIN_TOKEN) },
      });
      expect([403, 404], path).toContain(res.status);
      expect(res.headers.get("content-type"), path).toMatch(/^application\/problem\+json/);
      const body = (await res.json()) as { code: string; status: number; detail: string; error?: unknown };
      expect(body.status, path).toBe(res.status);
      expect(body.code, path).toBe(res.status === 403 ? "forbidden" : "not_found");
      expect(body.error, path).toBeUndefined();
      expect(body.detail, path).toMatch(/Bull Board/);
    }
  });

  it("answers 404 for an unknown path under the board instead of passing it to the API", async () => {
    const res = await fetch(`${stack.base}/admin/queues/api/nothing-here`, {
      headers: { Authorization: basic("admin", ADMIN_TOKEN) },
    });
    expect(res.status).toBe(404);
  });
});

describe("Bull Board with admin.read_only", () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack({ workers: false, config: { admin: { read_only: true } } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("shows every queue as read-only and refuses every change with a 403 saying so", async () => {
    const queues = await boardQueues(stack);
    expect(queues).toHaveLength(5);
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    // Pausing all queues (which Bull Board itself answers 200 to, doing nothing), and pausing one.
    for (const path of ["/admin/queues/api/queues/pause", "/admin/queues/api/queues/planning/pause"]) {
      const res = await fetch(`${stack.base}${path}`, {
        method: "PUT",
        headers: {
          Authorization: basic("admin", ADMIN_TOKEN),
          "Content-Type": "application/json",
          Origin: stack.base,
        },
        body: "{}",
      });
      expect(res.status, path).toBe(403);
      expect(res.headers.get("content-type"), path).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as { code: string; detail: string };
      expect(problem.code, path).toBe("forbidden");
      expect(problem.detail, path).toMatch(/read-only/);
    }
    expect((await boardQueues(stack)).every((q) => !q.isPaused)).toBe(true);
  });
});
