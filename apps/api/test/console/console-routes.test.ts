import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeBackend, type FakeBackend } from "@orch/testkit";
import { evidenceViewSchema, serviceListSchema } from "../../src/ops/openapi-console-schemas.js";
import {
  OTHER_TOKEN,
  startHarness,
  submitJob,
  waitForJob,
  type Harness,
} from "../support/orchestrator-harness.js";

/** A build as Vite writes it: the page and content-hashed files. */
function fakeBuild(dir: string, script: string): void {
  mkdirSync(join(dir, "assets"), { recursive: true });
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><script type="module" src="/assets/${script}"></script>`,
  );
  writeFileSync(join(dir, "assets", script), `console.log(${JSON.stringify("x".repeat(2000))});`);
}

describe("the web console's files, the evidence and the service list", () => {
  let h: Harness;
  let noConsole: Harness;
  let withBackend: Harness;
  let backend: FakeBackend;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "orch-console-"));
    fakeBuild(dir, "index-AbC123.js");
    backend = await startFakeBackend();
    h = await startHarness({ consoleDir: dir });
    noConsole = await startHarness({ redis: h.redis, workers: false, consoleDir: join(dir, "missing") });
    withBackend = await startHarness({
      redis: h.redis,
      workers: false,
      env: { BACKEND_API_URL: backend.url, BACKEND_API_TOKEN: backend.token },
      config: { backend: { timeout_ms: 500, retries: 0, cache_seconds: 0 } },
    });
  });
  afterAll(async () => {
    await withBackend?.close();
    await noConsole?.close();
    await h?.close();
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the page without a token, never cached, under a strict Content-Security-Policy", async () => {
    const res = await fetch(`${h.base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const csp = res.headers.get("content-security-policy") ?? "";
    for (const directive of [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "require-trusted-types-for 'script'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toContain("unsafe");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toContain("/assets/index-AbC123.js");
    // Other methods on / are the API's: without a token, 401.
    expect((await fetch(`${h.base}/`, { method: "POST" })).status).toBe(401);
  });

  it("serves hashed files as immutable, compressed when asked, and revalidates by ETag", async () => {
    const url = `${h.base}/assets/index-AbC123.js`;
    const plain = await fetch(url, { headers: { "Accept-Encoding": "identity" } });
    expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(plain.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const text = await plain.text();
    expect(text).toContain("xxxx");

    // fetch() would decode the body itself, and sends Cache-Control: no-cache with a conditional
    // request (which makes any server answer 200): node's http client sends exactly what it is given.
    const raw = (headers: Record<string, string>) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        request(url, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        })
          .on("error", reject)
          .end();
      });
    const br = await raw({ "Accept-Encoding": "br, gzip" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(br.body).toString()).toBe(text);
    expect(br.body.length).toBeLessThan(text.length / 5);
    const gz = await raw({ "Accept-Encoding": "gzip" });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe(text);

    const etag = plain.headers.get("etag") ?? "";
    expect((await raw({ "If-None-Match": etag })).status).toBe(304);
    expect((await raw({ "If-None-Match": 'W/"another"' })).status).toBe(200);
  });

  it("answers a missing or escaping file with a problem, and picks up a new build", async () => {
    for (const path of ["/assets/index-Missing.js", "/assets/..%2Findex.html", "/assets/.hidden"]) {
      const res = await fetch(`${h.base}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    fakeBuild(dir, "index-New456.js");
    // A rebuild within the same millisecond-resolution timestamp would look unchanged.
    utimesSync(join(dir, "index.html"), new Date(), new Date(Date.now() + 5000));
    expect(await (await fetch(`${h.base}/`)).text()).toContain("/assets/index-New456.js");
    expect((await fetch(`${h.base}/assets/index-New456.js`)).status).toBe(200);
  });

  it("says how to build the console when it is not built", async () => {
    const res = await fetch(`${noConsole.base}/`);
    expect(res.status).toBe(404);
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).toContain("npm run build");
  });

  it("lists the demo services with an example question when there is no backend and no Datadog", async () => {
    const res = await h.request("/services");
    expect(res.status).toBe(200);
    const list = serviceListSchema.parse(await res.json());
    expect(list).toMatchObject({ source: "demo", free_text: true, detail: null });
    expect(list.services.map((s) => s.service_id)).toEqual(
      expect.arrayContaining(["api-gateway", "checkout", "web-app", "payments", "database-cluster"]),
    );
    expect(list.services.every((s) => s.example_question)).toBe(true);
    expect((await h.request("/services", { token: null })).status).toBe(401);
  });

  it("lists the backend's directory without what else it holds, and says why when the backend lists none", async () => {
    backend.setService("billing", {
      description: "Invoices",
      env: "prod",
      tags: ["service:billing"],
      datadog: { api_key: "secret-dd-key", app_key: "secret-dd-app" },
    });
    backend.setService("ledger", {});
    const res = await withBackend.request("/services");
    const text = await res.text();
    expect(text).not.toContain("secret-dd");
    expect(serviceListSchema.parse(JSON.parse(text))).toEqual({
      source: "backend",
      free_text: false,
      detail: null,
      services: [
        { service_id: "billing", description: "Invoices", env: "prod", example_question: null },
        { service_id: "ledger", description: null, env: null, example_question: null },
      ],
    });

    const old = await startFakeBackend({ listsServices: false });
    const fallback = await startHarness({
      redis: h.redis,
      workers: false,
      env: { BACKEND_API_URL: old.url, BACKEND_API_TOKEN: old.token },
      config: { services: { "web-app": { env: "prod" } } },
    });
    try {
      const list = serviceListSchema.parse(await (await fallback.request("/services")).json());
      expect(list.source).toBe("config");
      expect(list.services).toEqual([
        { service_id: "web-app", description: null, env: "prod", example_question: null },
      ]);
      expect(list.detail).toContain("does not list services");
    } finally {
      await fallback.close();
      await old.close();
    }
  });

  it("returns a completed job's evidence to its owner only: the findings' series, their windows and thresholds", async () => {
    const id = await submitJob(h, {
      service_id: "database-cluster",
      user_message: "Are the database's connections saturated in the last hour?",
    });
    expect((await waitForJob(h, id, 90)).status).toBe("completed");
    const res = await h.request(`/jobs/${id}/evidence`);
    expect(res.status).toBe(200);
    const evidence = evidenceViewSchema.parse(await res.json());
    expect(evidence.series[0]).toMatchObject({
      metric: "postgresql.percent_usage_connections",
      role: "finding",
      unit: "fraction",
    });
    expect(evidence.series[0]?.points.length).toBe(evidence.series[0]?.points_read);
    expect(evidence.thresholds).toContainEqual(
      expect.objectContaining({
        metric: "postgresql.percent_usage_connections",
        value: 0.9,
        level: "critical",
      }),
    );
    expect(evidence.windows.map((w) => w.metric)).toContain("postgresql.percent_usage_connections");

    expect((await h.request(`/jobs/${id}/evidence`, { token: OTHER_TOKEN })).status).toBe(404);
    expect((await h.request(`/jobs/0mxnosuchjob00000000/evidence`)).status).toBe(404);
  });
});
