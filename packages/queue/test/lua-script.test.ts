import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type RedisServer } from "@orch/testkit";
import { LuaScript } from "@orch/queue";

describe("LuaScript", () => {
  let server: RedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startRedis();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it("runs a script from its .lua file with its includes, named after the file", async () => {
    const script = LuaScript.fromFile(new URL("./fixtures/with-include.lua", import.meta.url));
    expect(script.name).toBe("orch_with_include");
    expect(script.source).toContain("local function double(n)");
    expect(script.source).not.toContain("@include");
    expect(await script.run(redis, ["lua:a"], [21])).toBe("42");
  });

  it("runs again after Redis forgot its scripts (SCRIPT FLUSH)", async () => {
    const script = LuaScript.fromFile(new URL("./fixtures/with-include.lua", import.meta.url));
    expect(await script.run(redis, ["lua:b"], [1])).toBe("2");
    await redis.script("FLUSH");
    expect(await script.run(redis, ["lua:b"], [2])).toBe("4");
  });

  it("runs inline source on an auto-pipelined connection, in the same batch as other commands", async () => {
    // The first call defines the command while an auto-pipeline of this turn is open (ioredis#1931).
    const pipelined = new Redis(server.url, { enableAutoPipelining: true });
    try {
      const script = new LuaScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
      const [, counted, read] = await Promise.all([
        pipelined.set("lua:c", "5"),
        script.run(pipelined, ["lua:c"], [3]),
        pipelined.get("lua:c"),
        pipelined.get("lua:c"),
      ]);
      expect([counted, read]).toEqual([8, "5"]);
      expect(await script.run(pipelined, ["lua:c"], [1])).toBe(9);
    } finally {
      pipelined.disconnect();
    }
  });
});
