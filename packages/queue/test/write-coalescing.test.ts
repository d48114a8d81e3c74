import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { createRedis, waitForRedis } from "@orch/queue";
import { startRedis, type RedisServer } from "@orch/testkit";

/** Counts the writes a socket hands to the operating system (one per `_write` or `_writev`). */
function countWrites(socket: Socket): { readonly count: number } {
  const counter = { count: 0 };
  const internals = socket as unknown as Record<"_write" | "_writev", (...args: unknown[]) => unknown>;
  for (const method of ["_write", "_writev"] as const) {
    const original = internals[method].bind(socket);
    internals[method] = (...args: unknown[]) => {
      counter.count += 1;
      return original(...args);
    };
  }
  return counter;
}

describe("the HTTP connection's writes", () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const connect = async (role: "http" | "worker") => {
    const redis = createRedis(server.url, role) as Redis;
    clients.push(redis);
    await waitForRedis(redis, server.url);
    return redis;
  };
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    for (const redis of clients) redis.disconnect();
    await server?.stop();
  });

  it("sends the commands of one turn in one write, each reply to its own command", async () => {
    const redis = await connect("http");
    const writes = countWrites(redis.stream);
    const replies = await Promise.all([
      redis.set("coalesce:a", "1"),
      redis.incr("coalesce:n"),
      redis.get("coalesce:a"),
      redis.incr("coalesce:n"),
      redis.get("coalesce:missing"),
    ]);
    expect(replies).toEqual(["OK", 1, "1", 2, null]);
    expect(writes.count).toBe(1);
  });

  it("sends the commands of the next turn in a write of their own", async () => {
    const redis = await connect("http");
    const writes = countWrites(redis.stream);
    expect(await redis.set("coalesce:b", "1")).toBe("OK");
    expect(await redis.get("coalesce:b")).toBe("1");
    expect(writes.count).toBe(2);
  });

  it("leaves the workers' connections as they are: a write per command", async () => {
    const redis = await connect("worker");
    const writes = countWrites(redis.stream);
    await Promise.all([redis.set("coalesce:c", "1"), redis.get("coalesce:c"), redis.del("coalesce:c")]);
    expect(writes.count).toBe(3);
  });
});
