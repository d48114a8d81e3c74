import { afterEach, describe, expect, it, vi } from "vitest";

import { startRedis, type RedisServer } from "@orch/testkit";
import { createRedis, RedisOutageLog, waitForRedis, type RedisClient } from "@orch/queue";

describe("RedisOutageLog", () => {
  let server: RedisServer | undefined;
  let clients: RedisClient[] = [];

  afterEach(async () => {
    for (const c of clients) c.disconnect();
    clients = [];
    await server?.stop();
    server = undefined;
  });

  it("logs an outage once when it starts and once when it ends, with the errors counted", async () => {
    server = await startRedis();
    const lines: Array<{ level: string; message: string; details: Record<string, unknown> }> = [];
    const log = {
      warn: (details: object, message: string) =>
        lines.push({ level: "warn", message, details: details as Record<string, unknown> }),
      info: (details: object, message: string) =>
        lines.push({ level: "info", message, details: details as Record<string, unknown> }),
    };
    const outage = new RedisOutageLog(log);
    clients = [createRedis(server.url, "worker"), createRedis(server.url, "subscriber")];
    clients.forEach((c, i) => outage.watch(c, `client-${i}`));
    await Promise.all(clients.map((c) => waitForRedis(c, server!.url)));
    let errors = 0;
    for (const c of clients) c.on("error", () => (errors += 1));

    const port = server.port;
    await server.stop();
    await vi.waitFor(() => expect(errors).toBeGreaterThanOrEqual(6), { timeout: 20_000, interval: 50 });
    // A Cluster connection the guard moved on during the outage is counted, not logged.
    clients[0]!.emit("repaired", "close");
    server = await startRedis({ port });
    await vi.waitFor(() => expect(lines.map((l) => l.message)).toContain("Redis connection back"), {
      timeout: 20_000,
      interval: 50,
    });

    expect(lines.filter((l) => l.level === "warn")).toHaveLength(1);
    expect(lines[0]?.message).toMatch(/^Redis connection lost/);
    const back = lines.find((l) => l.message === "Redis connection back");
    expect(back?.details.errors).toBeGreaterThanOrEqual(6);
    expect(back?.details.half_closed_repaired).toBe(1);
    expect(lines).toHaveLength(2);
  });
});
