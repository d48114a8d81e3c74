import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OTHER_TOKEN,
  TOKEN,
  startHarness,
  submitJob,
  type Harness,
} from "../support/orchestrator-harness.js";
import { eventually } from "../support/worker-process.js";
import { openEventStream, type SseEvent } from "./sse-reader.js";

const auth = (token = TOKEN) => ({ Authorization: `Bearer ${token}` });
const parse = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;
/** Stream ids compare as (ms, seq). */
const before = (a: string, b: string) => {
  const [am, as] = a.split("-").map(Number);
  const [bm, bs] = b.split("-").map(Number);
  return am! < bm! || (am === bm && as! < bs!);
};

describe("GET /jobs/:id/events", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function readAll(id: string, headers: Record<string, string> = {}): Promise<SseEvent[]> {
    const stream = await openEventStream(`${h.base}/jobs/${id}/events`, { ...auth(), ...headers });
    expect(stream.status).toBe(200);
    await stream.ended;
    return stream.events;
  }

  it("streams each status change and step, then an end event with the result, and closes", async () => {
    const id = await submitJob(h, {
      service_id: "api-gateway",
      user_message: "Investigate recent 5xx errors",
    });
    const stream = await openEventStream(`${h.base}/jobs/${id}/events`, auth());
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(stream.headers["cache-control"]).toMatch(/no-cache/);
    expect(stream.headers["content-encoding"]).toBeUndefined();
    await stream.ended;

    const events = stream.events;
    const statuses = events.filter((e) => e.event === "status").map((e) => parse(e).status);
    expect(statuses).toEqual(["queued", "planning", "executing", "synthesizing"]);
    expect(events.filter((e) => e.event === "step").length).toBeGreaterThan(2);
    expect(events.filter((e) => e.event === "phase").map((e) => parse(e).phase)).toEqual([
      "planning",
      "execution",
      "feedback",
    ]);
    const last = events[events.length - 1]!;
    expect(last.event).toBe("end");
    const view = parse(last) as { job_id: string; status: string; result: { answer_markdown: string } };
    expect(view.job_id).toBe(id);
    expect(view.status).toBe("completed");
    expect(view.result.answer_markdown.length).toBeGreaterThan(20);
    // Ids are the stream's entry ids, strictly increasing, so a client can resume from any.
    const ids = events.map((e) => e.id!);
    ids.slice(1).forEach((next, i) => expect(before(ids[i]!, next)).toBe(true));
  });

  it("resumes after a dropped connection from Last-Event-ID, without gaps or repeats", async () => {
    const id = await submitJob(h, {
      service_id: "web-app",
      user_message: "Check CPU and memory usage trends for the last 24 hours",
    });
    const first = await openEventStream(`${h.base}/jobs/${id}/events`, auth());
    await first.waitForEvents(2);
    first.drop();
    await first.ended;
    const seen = first.events.filter((e) => e.id !== undefined);
    const lastSeen = seen[seen.length - 1]!.id!;

    const resumed = await readAll(id, { "Last-Event-ID": lastSeen });
    const everything = await readAll(id);
    expect([...seen, ...resumed].map((e) => e.id)).toEqual(everything.map((e) => e.id));
    expect(resumed[resumed.length - 1]?.event).toBe("end");

    // The query parameter works the same for clients that cannot set headers.
    const middle = everything[3]!.id!;
    const viaQuery = await openEventStream(`${h.base}/jobs/${id}/events?last_event_id=${middle}`, auth());
    await viaQuery.ended;
    expect(viaQuery.events.map((e) => e.id)).toEqual(everything.slice(4).map((e) => e.id));
  });

  it("answers 204 to a client resuming after the end event, so EventSource stops reconnecting", async () => {
    const id = await submitJob(h, { service_id: "payments", user_message: "How is payments doing?" });
    const events = await readAll(id);
    const end = events[events.length - 1]!;
    expect(end.event).toBe("end");
    const res = await h.request(`/jobs/${id}/events`, { headers: { "Last-Event-ID": end.id! } });
    expect(res.status).toBe(204);
  });

  it("is visible only to the job's owner, and checks Last-Event-ID", async () => {
    const id = await submitJob(h, { service_id: "checkout", user_message: "Why did checkout get slower?" });
    expect((await h.request(`/jobs/${id}/events`, { token: OTHER_TOKEN })).status).toBe(404);
    expect((await h.request(`/jobs/${id}/events`, { token: null })).status).toBe(401);
    const bad = await h.request(`/jobs/${id}/events`, { headers: { "Last-Event-ID": "yesterday" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/last-event-id/i);
  });
});

describe("event ids at the edge of what Redis takes", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const TOO_BIG = ["99999999999999999999-0", "18446744073709551616-0", "0-18446744073709551616"];
  const LAST = "18446744073709551615-18446744073709551615";

  it("refuses ids with a part above 2^64-1, or the very last id, with a 400 naming the header or parameter", async () => {
    const ended = await submitJob(h, { service_id: "web-app", user_message: "How is web-app?" });
    await h.request(`/jobs/${ended}?wait=30`);
    const running = await submitJob(h, { service_id: "payments", user_message: "How is payments?" });
    for (const id of [ended, running]) {
      for (const bad of [...TOO_BIG, LAST]) {
        const byHeader = await h.request(`/jobs/${id}/events`, { headers: { "Last-Event-ID": bad } });
        expect(byHeader.status, bad).toBe(400);
        const header = (await byHeader.json()) as { code: string; detail: string };
        expect(header.code).toBe("invalid_request");
        expect(header.detail, bad).toMatch(
          /^Last-Event-ID (must be an event id .*1718000000000-0.*18446744073709551615|is the last possible event id)/,
        );

        const byQuery = await h.request(`/jobs/${id}/events?last_event_id=${bad}`);
        expect(byQuery.status, bad).toBe(400);
        expect(((await byQuery.json()) as { detail: string }).detail, bad).toMatch(/^last_event_id /);
      }
    }
  });

  it("takes the largest id Redis takes as the start of a resumption", async () => {
    const id = await submitJob(h, { service_id: "checkout", user_message: "How is checkout?" });
    await h.request(`/jobs/${id}?wait=30`);
    const res = await h.request(`/jobs/${id}/events`, {
      headers: { "Last-Event-ID": "18446744073709551615-18446744073709551614" },
    });
    expect(res.status).toBe(204);
  });
});

describe("an event stream of a job that waits in the queue", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: false, config: { events: { heartbeat_ms: 150 } } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("sends heartbeats while nothing happens, and releases its listener when the client goes", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app?" });
    const stream = await openEventStream(`${h.base}/jobs/${id}/events`, auth());
    await stream.waitForComments(3);
    expect(stream.comments.filter((c) => c === "heartbeat").length).toBeGreaterThanOrEqual(3);
    expect(stream.events.map((e) => e.event)).toEqual(["status"]);
    expect(h.api.events.listenerCount).toBe(1);
    stream.drop();
    await eventually(() => h.api.events.listenerCount === 0, 5000, "the stream's listener to be removed");
  });

  it("ends with a cancelled job view when the job is cancelled", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app now?" });
    const stream = await openEventStream(`${h.base}/jobs/${id}/events`, auth());
    await stream.waitForEvents(1);
    expect((await h.request(`/jobs/${id}`, { method: "DELETE" })).status).toBe(200);
    await stream.ended;
    const end = stream.events[stream.events.length - 1]!;
    expect(end.event).toBe("end");
    expect(parse(end)).toMatchObject({
      job_id: id,
      status: "cancelled",
      result: null,
      error: { code: "cancelled" },
    });
  });
});

describe("an event stream when the API shuts down", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is ended by the server, so the client can resume elsewhere, and does not hold up shutdown", async () => {
    const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app?" });
    const stream = await openEventStream(`${h.base}/jobs/${id}/events`, auth());
    await stream.waitForEvents(1);
    const started = Date.now();
    await h.api.close();
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stream.events.map((e) => e.event)).toEqual(["status"]);
  });
});
