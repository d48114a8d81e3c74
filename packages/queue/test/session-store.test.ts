import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "@orch/testkit";
import { SessionStore } from "../src/session-store.js";

describe("SessionStore", () => {
  let server: RedisServer;
  let redis: Redis;
  let sessions: SessionStore;
  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
    sessions = new SessionStore(redis, { retentionSeconds: 600, maxMessages: 6 });
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  const contents = async (session: string) =>
    (await sessions.messages("alice", session)).map((m) => `${m.job_id}:${m.role}:${m.content}`);

  it("records a job's exchange once, and replaces its answer when the job is recorded again", async () => {
    expect(await sessions.recordExchange("alice", "s1", "job1", "q1", "first answer")).toBe(true);
    expect(await sessions.recordExchange("alice", "s1", "job2", "q2", "a2")).toBe(true);
    expect(await sessions.recordExchange("alice", "s1", "job1", "q1", "saved answer")).toBe(false);
    expect(await contents("s1")).toEqual([
      "job1:user:q1",
      "job1:assistant:saved answer",
      "job2:user:q2",
      "job2:assistant:a2",
    ]);
  });

  it("takes a job's exchange back out and leaves the others", async () => {
    await sessions.recordExchange("alice", "s2", "job1", "q1", "a1");
    await sessions.recordExchange("alice", "s2", "job2", "q2", "a2");
    await sessions.removeExchange("alice", "s2", "job1");
    expect(await contents("s2")).toEqual(["job2:user:q2", "job2:assistant:a2"]);
  });

  it("keeps the last max_messages messages and keeps sessions apart per owner", async () => {
    for (let i = 0; i < 5; i++) await sessions.recordExchange("alice", "s3", `job${i}`, `q${i}`, `a${i}`);
    expect(await contents("s3")).toHaveLength(6);
    expect((await contents("s3"))[0]).toBe("job2:user:q2");
    expect(await sessions.messages("bob", "s3")).toEqual([]);
  });
});
