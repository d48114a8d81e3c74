import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import ajv2020 from "@redocly/ajv/dist/2020.js";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { pino } from "pino";
import type { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AlertQueue,
  JobEvents,
  JobStore,
  PhaseQueues,
  SessionStore,
  createRedis,
  phasePolicy,
} from "@orch/queue";
import { createApp } from "../../src/app.js";
import { createJobSchema } from "../../src/jobs/job-request-schema.js";
import {
  jobAcceptedSchema,
  jobTraceSchema,
  jobViewSchema,
  problemSchema,
  readinessSchema,
} from "../../src/ops/openapi-schemas.js";
import { startOpsStack, waitForEnd, type OpsStack } from "./support/ops-stack.js";

interface OpenApiDoc {
  openapi: string;
  info: { title: string };
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { example?: unknown }> }; security?: unknown[] }>
  >;
  components: {
    schemas: Record<
      string,
      { required?: string[]; properties?: Record<string, unknown>; additionalProperties?: unknown }
    >;
  };
}

/** Ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses) over the served document's components. */
function documentValidator(doc: OpenApiDoc) {
  // A CommonJS module: its class is both module.exports and module.exports.default.
  const ajv = new ajv2020.default({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc, "openapi.json");
  return (component: string, value: unknown) => {
    const validate = ajv.getSchema(`openapi.json#/components/schemas/${component}`);
    if (!validate) throw new Error(`no component ${component}`);
    const ok = validate(value) as boolean;
    return { ok, errors: ajv.errorsText(validate.errors) };
  };
}

describe("the OpenAPI document at /openapi.json", () => {
  let stack: OpsStack;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    stack = await startOpsStack();
    const res = await fetch(`${stack.base}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDoc;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("is served without a token and is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("AI Orchestrator API");
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: "/openapi.json",
      config,
    });
    const errors = problems
      .filter((p) => p.severity === "error")
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it("documents exactly the routes the app serves, with a bearer scheme on all but health and readiness", async () => {
    const redis = createRedis(stack.redis.url, "http");
    const producer = createRedis(stack.redis.url, "worker");
    const subscriber = createRedis(stack.redis.url, "subscriber");
    const queues = new PhaseQueues(producer, stack.config.queue.prefix, phasePolicy(stack.config));
    const store = new JobStore(redis, { retentionSeconds: 60 });
    const app = createApp({
      config: stack.config,
      log: pino({ level: "silent" }),
      redis,
      store,
      queues,
      events: new JobEvents(subscriber),
      sessions: new SessionStore(redis, { retentionSeconds: 60, maxMessages: 10 }),
      alertQueue: new AlertQueue(producer, stack.config.queue.prefix),
    });
    const served = new Set<string>();
    for (const middleware of app.middleware) {
      const router = (
        middleware as { router?: { stack: Array<{ path: string | RegExp; methods: string[] }> } }
      ).router;
      for (const layer of router?.stack ?? []) {
        const path = String(layer.path).replace(/:(\w+)/g, "{$1}");
        if (/^\/(docs|redoc|openapi\.json|favicon\.ico)/.test(path)) continue;
        for (const method of layer.methods) if (method !== "HEAD") served.add(`${method} ${path}`);
      }
    }
    await queues.close();
    await Promise.all([redis, producer, subscriber].map((r) => r.quit()));

    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    expect([...documented].sort()).toEqual([...served].sort());
    for (const route of [
      "POST /jobs",
      "GET /jobs/{id}",
      "GET /jobs/{id}/trace",
      "GET /jobs/{id}/events",
      "DELETE /jobs/{id}",
      "POST /orchestrate",
      "GET /sessions/{id}/messages",
      "GET /healthz",
      "GET /readyz",
      "GET /metrics",
    ]) {
      expect(documented.has(route), route).toBe(true);
    }
    expect(doc.paths["/healthz"]?.get?.security).toEqual([]);
    expect(doc.paths["/jobs"]?.post?.security).toBeUndefined();
    expect(JSON.stringify(doc)).toContain('"bearerAuth":{"type":"http","scheme":"bearer"');
  });

  it("requires in the request schema what validation requires, and forbids what it forbids", () => {
    const body = doc.components.schemas.CreateJobRequest;
    expect(body?.required?.sort()).toEqual(["service_id", "user_message"]);
    expect(body?.additionalProperties).toBe(false);
    expect(Object.keys(body?.properties ?? {}).sort()).toEqual(Object.keys(createJobSchema.shape).sort());

    const check = documentValidator(doc);
    const example = doc.paths["/jobs"]?.post?.requestBody?.content["application/json"]?.example;
    const bodies: unknown[] = [
      example,
      {},
      { service_id: "web-app" },
      { user_message: "Why?" },
      { service_id: "web-app", user_message: "Why?", surprise: true },
      { service_id: "Web App!", user_message: "Why?" },
      { service_id: "web-app", user_message: "" },
      { service_id: "web-app", user_message: "x".repeat(4001) },
      { service_id: "web-app", user_message: "Why?", options: { max_steps: 0 } },
      { service_id: "web-app", user_message: "Why?", options: { reasoner: "gpt" } },
      { service_id: "web-app", user_message: "Why?", options: { unknown: 1 } },
      { service_id: "web-app", user_message: "Why?", session_id: "has spaces" },
    ];
    for (const candidate of bodies) {
      const zodSays = createJobSchema.safeParse(candidate).success;
      expect(check("CreateJobRequest", candidate).ok, JSON.stringify(candidate)).toBe(zodSays);
    }
    expect(createJobSchema.safeParse(example).success).toBe(true);
  });

  it("describes the responses the API really sends", async () => {
    const check = documentValidator(doc);
    const conforms = (component: string, schema: z.ZodType, value: unknown) => {
      const result = check(component, value);
      expect(result.ok, `${component}: ${result.errors}`).toBe(true);
      expect(schema.safeParse(value).success, component).toBe(true);
    };
    const posted = await stack.request("/jobs", {
      method: "POST",
      body: JSON.stringify({
        service_id: "web-app",
        user_message: "Check CPU and memory trends",
        session_id: "shape-check",
      }),
    });
    const accepted = (await posted.json()) as { job_id: string };
    conforms("JobAccepted", jobAcceptedSchema, accepted);
    const view = await waitForEnd(stack, accepted.job_id, 60);
    conforms("JobView", jobViewSchema, view);
    conforms(
      "JobTrace",
      jobTraceSchema,
      await (await stack.request(`/jobs/${accepted.job_id}/trace`)).json(),
    );
    conforms("Problem", problemSchema, await (await stack.request("/jobs/nosuchjob123")).json());
    conforms(
      "Problem",
      problemSchema,
      await (await stack.request("/jobs", { method: "POST", body: "{}" })).json(),
    );
    conforms("Readiness", readinessSchema, await (await fetch(`${stack.base}/readyz`)).json());
  });

  it("takes the documented POST /jobs example as it is", async () => {
    const example = doc.paths["/jobs"]?.post?.requestBody?.content["application/json"]?.example;
    const res = await stack.request("/jobs", { method: "POST", body: JSON.stringify(example) });
    expect(res.status).toBe(202);
    await waitForEnd(stack, ((await res.json()) as { job_id: string }).job_id, 60);
  });

  it("passes Redocly CLI's recommended rules with no error and no warning", async () => {
    const dir = mkdtempSync(join(tmpdir(), "openapi-lint-"));
    try {
      const file = join(dir, "openapi.json");
      writeFileSync(file, JSON.stringify(doc));
      const cli = join(process.cwd(), "node_modules", ".bin", "redocly");
      const { stdout } = await promisify(execFile)(cli, ["lint", file, "--format", "json"], {
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      });
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number };
        problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
      };
      const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
      expect(problems).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("opens in Swagger UI without a dialect warning, and bounds every integer", () => {
    expect(doc).not.toHaveProperty("jsonSchemaDialect");
    const text = JSON.stringify(doc);
    expect(text).not.toContain("9007199254740991");
    const unbounded: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (typeof node !== "object" || node === null) return;
      const schema = node as Record<string, unknown>;
      if (schema.type === "integer" && (schema.minimum === undefined || schema.maximum === undefined)) {
        unbounded.push(path);
      }
      for (const [key, value] of Object.entries(schema)) walk(value, `${path}/${key}`);
    };
    walk(doc.components.schemas, "#/components/schemas");
    expect(unbounded).toEqual([]);
  });

  it("documents the statuses its error responses really have, as the shared Problem schema", async () => {
    const paths = doc.paths as unknown as Record<
      string,
      Record<string, { responses: Record<string, unknown> }>
    >;
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const codes = Object.keys(operation.responses);
        expect(
          codes.some((c) => c.startsWith("4")),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
    expect(Object.keys(paths["/jobs/{id}"]?.delete?.responses ?? {})).toContain("400");
    expect(Object.keys(paths["/jobs/{id}/trace"]?.get?.responses ?? {})).toContain("400");
    expect(Object.keys(paths["/sessions/{id}/messages"]?.get?.responses ?? {})).toContain("400");
    // A reused Idempotency-Key's 422 carries job_id: the schema takes it.
    const res = await stack.request("/jobs", {
      method: "POST",
      headers: { "Idempotency-Key": "openapi-422" },
      body: JSON.stringify({ service_id: "web-app", user_message: "First" }),
    });
    expect(res.status).toBe(202);
    const reused = await stack.request("/jobs", {
      method: "POST",
      headers: { "Idempotency-Key": "openapi-422" },
      body: JSON.stringify({ service_id: "web-app", user_message: "Second" }),
    });
    expect(reused.status).toBe(422);
    const check = documentValidator(doc);
    expect(check("Problem", await reused.json()).ok).toBe(true);
  });

  it("states the configured bound of ?wait", () => {
    expect(JSON.stringify(doc)).toContain(`at most ${stack.config.api.max_wait_seconds}`);
  });
});

describe("the interactive docs", () => {
  let stack: OpsStack;
  beforeAll(async () => {
    stack = await startOpsStack({ workers: false });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const assetsOf = (page: string) => [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");

  it.each([
    ["/docs", "swagger-ui-bundle.js"],
    ["/redoc", "redoc.standalone.js"],
  ])("serve %s without a token, every asset from this server", async (path, bundle) => {
    const res = await fetch(`${stack.base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const assets = assetsOf(await res.text());
    expect(assets.some((a) => a.endsWith(bundle))).toBe(true);
    for (const asset of assets) {
      expect(asset, "no CDN").toMatch(/^\/[^/]/);
      const file = await fetch(`${stack.base}${asset}`);
      expect(file.status, asset).toBe(200);
      expect((await file.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
    }
  });

  it("points Swagger UI at /openapi.json", async () => {
    const init = await (await fetch(`${stack.base}/docs/init.js`)).text();
    expect(init).toContain('url: "/openapi.json"');
  });
});
