import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTHER_TOKEN, startHarness, submitJob, type Harness } from "./support/orchestrator-harness.js";

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
  errors?: Array<{ field: string; message: string }>;
}

async function problemOf(res: Response): Promise<ProblemBody> {
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  return (await res.json()) as ProblemBody;
}

describe("authentication and ownership", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("rejects a request without a token with 401 and a WWW-Authenticate header", async () => {
    const res = await h.request("/jobs/abcdefgh12345", { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await problemOf(res)).detail).toMatch(/Authorization header/);
  });

  it("rejects a wrong token with 401", async () => {
    const res = await h.request("/jobs", { method: "POST", token: "not-a-real-token", body: "{}" });
    expect(res.status).toBe(401);
    expect((await problemOf(res)).detail).toMatch(/not valid/);
  });

  it("rejects a malformed Authorization header with 401", async () => {
    const res = await h.request("/jobs/abcdefgh12345", {
      token: null,
      headers: { Authorization: "Basic Zm9vOmJhcg==" },
    });
    expect(res.status).toBe(401);
    expect((await problemOf(res)).detail).toMatch(/Bearer <token>/);
  });

  it("hides a job from every token but the one that created it", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is it going?" });
    expect((await h.request(`/jobs/${id}`)).status).toBe(200);
    const other = await h.request(`/jobs/${id}`, { token: OTHER_TOKEN });
    expect(other.status).toBe(404);
    expect((await h.request(`/jobs/${id}/trace`, { token: OTHER_TOKEN })).status).toBe(404);
    const unknown = await h.request(`/jobs/zzzzzzzzzzzzzzzzzzzz`);
    expect(unknown.status).toBe(404);
    // The two 404s are indistinguishable but for the id.
    expect((await problemOf(other)).detail.replace(id, "X")).toBe(
      (await problemOf(unknown)).detail.replace("zzzzzzzzzzzzzzzzzzzz", "X"),
    );
  });

  it("hides a session from other tokens", async () => {
    expect((await h.request("/sessions/nobody-here/messages")).status).toBe(404);
  });
});

describe("validation of bad input", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    h.request("/jobs", { method: "POST", body, headers: { "Content-Type": "application/json", ...headers } });

  it("names a missing field and how to fix it", async () => {
    const res = await post(JSON.stringify({ user_message: "hi" }));
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    expect(p.code).toBe("invalid_request");
    expect(p.detail).toMatch(/service_id/);
    expect(p.errors?.[0]?.field).toBe("service_id");
  });

  it("rejects a service id with query syntax in it", async () => {
    const res = await post(JSON.stringify({ service_id: "web-app} OR {*", user_message: "hi" }));
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toMatch(/service_id must be a Datadog tag value/);
  });

  it("rejects an empty question and an unknown field", async () => {
    const empty = await post(JSON.stringify({ service_id: "web-app", user_message: "   " }));
    expect(empty.status).toBe(400);
    expect((await problemOf(empty)).detail).toMatch(/user_message must not be empty/);
    const extra = await post(JSON.stringify({ service_id: "web-app", user_message: "hi", colour: "red" }));
    expect(extra.status).toBe(400);
    expect((await problemOf(extra)).detail).toMatch(/colour/);
  });

  it("rejects malformed JSON with 400", async () => {
    const res = await post('{"service_id": "web-app", ');
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toMatch(/not valid JSON/);
  });

  it("rejects a JSON body that is not an object", async () => {
    const res = await post("[1,2,3]");
    expect(res.status).toBe(400);
  });

  it("rejects a missing body with 400 saying a JSON object is needed", async () => {
    const res = await h.request("/jobs", { method: "POST" });
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toMatch(/JSON object body/);
  });

  it("rejects a non-JSON content type with 415", async () => {
    const res = await h.request("/jobs", {
      method: "POST",
      body: "service_id=web-app",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
    expect((await problemOf(res)).detail).toMatch(/application\/json/);
  });

  it("reads a body sent as application/problem+json, like any application/*+json type, as JSON", async () => {
    const body = JSON.stringify({ service_id: "web-app", user_message: "How is it going?" });
    for (const type of ["application/problem+json", "application/vnd.orchestrator+json; charset=utf-8"]) {
      const res = await post(body, { "Content-Type": type });
      expect(res.status, type).toBe(202);
    }
  });

  it("refuses a body declared in a charset other than UTF-8 with 415, naming the charset", async () => {
    const res = await post(JSON.stringify({ service_id: "web-app", user_message: "Caf\u00e9?" }), {
      "Content-Type": "application/json; charset=iso-8859-1",
    });
    expect(res.status).toBe(415);
    const p = await problemOf(res);
    expect(p.code).toBe("unsupported_media_type");
    expect(p.detail).toMatch(/charset=iso-8859-1.*UTF-8/);
    expect((await post("{}", { "Content-Type": "application/json; charset=UTF-8" })).status).toBe(400);
  });

  it("refuses a body with bytes that are not UTF-8 with 415 instead of storing it mangled", async () => {
    const latin1 = Buffer.from('{"service_id":"web-app","user_message":"Caf\xe9 down?"}', "latin1");
    const res = await h.request("/jobs", { method: "POST", body: latin1 });
    expect(res.status).toBe(415);
    expect((await problemOf(res)).detail).toMatch(/not valid UTF-8/);
  });

  it("says a body that is JSON but not an object must be a JSON object", async () => {
    for (const body of ["null", '"str"', "123", "[1,2,3]", "true"]) {
      const res = await post(body);
      expect(res.status, body).toBe(400);
      const p = await problemOf(res);
      expect(p.detail, body).toMatch(/^The body must be a JSON object/);
      expect(p.detail, body).not.toMatch(/not valid JSON/);
    }
  });

  it("says a field of the wrong type must be a string, rather than that it is missing", async () => {
    for (const value of [123, null, ["a"], { id: "web-app" }]) {
      const res = await post(JSON.stringify({ service_id: value, user_message: "hi" }));
      expect(res.status).toBe(400);
      const p = await problemOf(res);
      expect(p.detail, JSON.stringify(value)).toMatch(/^service_id must be a string/);
      expect(p.errors).toEqual([{ field: "service_id", message: p.detail }]);
    }
    const question = await post(JSON.stringify({ service_id: "web-app", user_message: 42 }));
    expect((await problemOf(question)).detail).toMatch(/^user_message must be a string/);
  });

  it("words every field error as a sentence that names the field and says what it must be", async () => {
    const res = await post(
      JSON.stringify({
        service_id: "web-app",
        user_message: "hi",
        session_id: "s".repeat(129),
        options: { max_steps: 0, reasoner: "gpt", timeframe: "forever", colour: "red" },
        extra: true,
      }),
    );
    expect(res.status).toBe(400);
    const p = await problemOf(res);
    const byField = Object.fromEntries((p.errors ?? []).map((e) => [e.field, e.message]));
    expect(Object.keys(byField).sort()).toEqual(
      [
        "extra",
        "options.colour",
        "options.max_steps",
        "options.reasoner",
        "options.timeframe",
        "session_id",
      ].sort(),
    );
    for (const [field, message] of Object.entries(byField)) {
      expect(message, field).toMatch(new RegExp(`^${field.replace(".", "\\.")} `));
      expect(message, field).not.toMatch(/Too big|Too small|Invalid input|Invalid option|Unrecognized key/);
    }
    expect(byField.session_id).toBe("session_id must be at most 128 characters");
    expect(byField["options.max_steps"]).toBe("options.max_steps must be at least 1.");
    expect(byField["options.reasoner"]).toBe('options.reasoner must be one of "auto", "offline".');
    expect(byField.extra).toMatch(
      /is not a field of this request; the fields here are service_id, user_message/,
    );
    expect(p.detail).toBe(`${p.errors?.[0]?.message} (and 5 more)`);
  });

  it("rejects a body over 64 KiB with 413", async () => {
    const res = await post(JSON.stringify({ service_id: "web-app", user_message: "x".repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect((await problemOf(res)).detail).toMatch(/64 KiB/);
  });

  it("rejects a bad wait value and a bad job id", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is it going?" });
    const wait = await h.request(`/jobs/${id}?wait=600`);
    expect(wait.status).toBe(400);
    expect((await problemOf(wait)).detail).toMatch(/wait must be at most 60/);
    const notNumber = await h.request(`/jobs/${id}?wait=soon`);
    expect(notNumber.status).toBe(400);
    const badId = await h.request("/jobs/..%2F..%2Fetc");
    expect([400, 404]).toContain(badId.status);
  });

  it("rejects bad options with the field named", async () => {
    const res = await post(
      JSON.stringify({ service_id: "web-app", user_message: "hi", options: { timeframe: "forever" } }),
    );
    expect(res.status).toBe(400);
    expect((await problemOf(res)).detail).toMatch(/options.timeframe/);
  });

  it("checks an absolute window: both ends, in order, in the past, at most 30 days", async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const now = Date.now();
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ from: iso(now - 3_600_000) }, /go together/],
      [{ from: iso(now - 1_000), to: iso(now - 3_600_000) }, /must be before/],
      [{ from: iso(now - 40 * 86_400_000), to: iso(now - 3_600_000) }, /at most 30 days/],
      [{ from: iso(now - 3_600_000), to: iso(now + 3_600_000) }, /in the future/],
      [{ from: "yesterday", to: iso(now) }, /ISO 8601/],
      [{ from: iso(now - 7_200_000), to: iso(now - 3_600_000), timeframe: "1h" }, /not both/],
    ];
    for (const [options, message] of cases) {
      const res = await post(JSON.stringify({ service_id: "web-app", user_message: "hi", options }));
      expect(res.status, JSON.stringify(options)).toBe(400);
      expect((await problemOf(res)).detail, JSON.stringify(options)).toMatch(message);
    }
    const ok = await post(
      JSON.stringify({
        service_id: "web-app",
        user_message: "hi",
        options: { from: iso(now - 7_200_000), to: iso(now - 3_600_000) },
      }),
    );
    expect(ok.status).toBe(202);
  });

  it("answers an unknown route with a 404 problem", async () => {
    const res = await h.request("/nope");
    expect(res.status).toBe(404);
    expect((await problemOf(res)).code).toBe("not_found");
  });

  it("answers a wrong method on the health, docs and metrics routes with 405 and Allow, not 401", async () => {
    for (const path of ["/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"]) {
      const res = await h.request(path, { method: "POST", token: null, body: "{}" });
      expect(res.status, path).toBe(405);
      expect(res.headers.get("allow"), path).toMatch(/GET/);
      expect((await problemOf(res)).code, path).toBe("method_not_allowed");
    }
    expect((await h.request("/healthz", { method: "HEAD", token: null })).status).toBe(200);
  });

  it("answers a wrong method with a 405 problem naming the allowed methods", async () => {
    const res = await h.request("/jobs", { method: "PUT", body: "{}" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toMatch(/POST/);
    const p = await problemOf(res);
    expect(p.code).toBe("method_not_allowed");
    expect(p.detail).toMatch(/PUT is not allowed on \/jobs; use .*POST/);
  });
});
