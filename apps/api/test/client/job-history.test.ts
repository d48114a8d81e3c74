import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OTHER_TOKEN,
  startHarness,
  submitJob,
  waitForJob,
  type Harness,
} from "../support/orchestrator-harness.js";

interface Page {
  jobs: Array<{ job_id: string; status: string; service_id: string; created_at: string }>;
  next_cursor: string | null;
}

describe("GET /jobs: the caller's job history", () => {
  let h: Harness;
  const mine: string[] = [];
  const page = async (query: string, token?: string): Promise<Page> => {
    const res = await h.request(`/jobs${query}`, token ? { token } : {});
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  };

  beforeAll(async () => {
    // Workers off: every job stays queued, so the history is exactly what was submitted.
    h = await startHarness({ workers: false });
    for (const service of ["web-app", "checkout", "web-app", "payments", "web-app"]) {
      mine.push(await submitJob(h, { service_id: service, user_message: `How is ${service}?` }));
    }
    await submitJob(h, { service_id: "web-app", user_message: "Bob's question" }, OTHER_TOKEN);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("lists only the caller's jobs, newest first", async () => {
    const { jobs, next_cursor } = await page("");
    expect(jobs.map((j) => j.job_id)).toEqual([...mine].reverse());
    expect(next_cursor).toBeNull();
    const bobs = await page("", OTHER_TOKEN);
    expect(bobs.jobs).toHaveLength(1);
    expect(bobs.jobs.some((j) => mine.includes(j.job_id))).toBe(false);
  });

  it("pages with an opaque cursor that stays stable while new jobs arrive", async () => {
    const first = await page("?limit=2");
    expect(first.jobs.map((j) => j.job_id)).toEqual([mine[4], mine[3]]);
    expect(first.next_cursor).toEqual(expect.any(String));
    // A job submitted between two pages shows on the first page of a new listing, not in this one.
    const newer = await submitJob(h, { service_id: "web-app", user_message: "A newer question" });
    const second = await page(`?limit=2&cursor=${first.next_cursor}`);
    expect(second.jobs.map((j) => j.job_id)).toEqual([mine[2], mine[1]]);
    const third = await page(`?limit=2&cursor=${second.next_cursor}`);
    expect(third.jobs.map((j) => j.job_id)).toEqual([mine[0]]);
    expect(third.next_cursor).toBeNull();
    expect((await page("?limit=1")).jobs[0]?.job_id).toBe(newer);
    await h.request(`/jobs/${newer}`, { method: "DELETE" });
  });

  it("filters by service, status and creation time", async () => {
    const webApp = await page("?service_id=web-app");
    expect(webApp.jobs.every((j) => j.service_id === "web-app")).toBe(true);
    expect(webApp.jobs.map((j) => j.job_id)).toEqual(expect.arrayContaining([mine[0], mine[2], mine[4]]));
    await h.request(`/jobs/${mine[1]}`, { method: "DELETE" });
    expect((await page("?status=cancelled")).jobs.map((j) => j.job_id)).toContain(mine[1]);
    expect((await page("?status=queued")).jobs.map((j) => j.job_id)).not.toContain(mine[1]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await page(`?since=${encodeURIComponent(future)}`)).jobs).toEqual([]);
  });

  it("refuses a cursor it did not give out and filters it does not know, saying which", async () => {
    for (const query of [
      "?cursor=bogus",
      "?limit=0",
      "?limit=101",
      "?status=done",
      "?since=yesterday",
      "?sort=asc",
    ]) {
      const res = await h.request(`/jobs${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { errors: Array<{ field: string }> };
      expect(body.errors[0]?.field, query).toMatch(/cursor|limit|status|since|sort/);
    }
  });

  it("answers /jobs/ (an empty job id) with a 404 problem like any unknown job", async () => {
    for (const method of ["GET", "DELETE"]) {
      const res = await h.request("/jobs/", { method });
      expect(res.status, method).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/No job id/);
    }
  });
});

describe("GET /jobs after jobs end", () => {
  it("shows each job's final status", async () => {
    const h = await startHarness();
    try {
      const id = await submitJob(h, { service_id: "web-app", user_message: "How is web-app?" });
      await waitForJob(h, id);
      const res = await h.request("/jobs?status=completed");
      const body = (await res.json()) as Page;
      expect(body.jobs.map((j) => j.job_id)).toEqual([id]);
    } finally {
      await h.close();
    }
  });
});
