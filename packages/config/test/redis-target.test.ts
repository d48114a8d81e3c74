import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, configSecrets, loadConfig, parseRedisTarget, redactRedisUrl } from "@orch/config";

describe("REDIS_URL", () => {
  it("names one server with redis:// or rediss://", () => {
    expect(parseRedisTarget("redis://:secret@redis.internal:6380/2")).toEqual({
      kind: "single",
      url: "redis://:secret@redis.internal:6380/2",
    });
    expect(parseRedisTarget("rediss://cache.example.com:6379").kind).toBe("single");
  });

  it("names Sentinels and a master name with redis-sentinel://", () => {
    expect(
      parseRedisTarget(
        "redis-sentinel://app:p%40ss@10.0.0.1:26379,10.0.0.2,[::1]:26380/mymaster?db=3&sentinel_password=s3",
      ),
    ).toEqual({
      kind: "sentinel",
      sentinels: [
        { host: "10.0.0.1", port: 26379 },
        { host: "10.0.0.2", port: 26379 },
        { host: "::1", port: 26380 },
      ],
      name: "mymaster",
      username: "app",
      password: "p@ss",
      sentinelPassword: "s3",
      db: 3,
    });
  });

  it("names Cluster nodes with redis-cluster://", () => {
    expect(parseRedisTarget("redis-cluster://:pw@n1:7000,n2:7001,n3")).toEqual({
      kind: "cluster",
      nodes: [
        { host: "n1", port: 7000 },
        { host: "n2", port: 7001 },
        { host: "n3", port: 6379 },
      ],
      password: "pw",
    });
  });

  it("says what is wrong and what to write instead", () => {
    expect(() => parseRedisTarget("http://localhost:6379")).toThrow(/unsupported form; use redis:\/\//);
    expect(() => parseRedisTarget("redis-sentinel://h1:26379,h2:26379")).toThrow(/needs the master's name/);
    expect(() => parseRedisTarget("redis-sentinel://h1:26379/m?timeout=1")).toThrow(
      /does not know the parameter "timeout"/,
    );
    expect(() => parseRedisTarget("redis-sentinel://h1:26379/m?db=x")).toThrow(
      /db=x is not a database number/,
    );
    expect(() => parseRedisTarget("redis-cluster://n1:7000,n2:port")).toThrow(
      /"n2:port" in redis-cluster:\/\/ is not host:port/,
    );
    expect(() => parseRedisTarget("redis-cluster://n1:7000,n2:70000")).toThrow(/is not host:port/);
    expect(() => parseRedisTarget("redis-cluster://n1:7000/0")).toThrow(/takes no path/);
  });

  it("is logged without its passwords", () => {
    expect(redactRedisUrl("redis://:secret@h:6379")).toBe("redis://:***@h:6379");
    expect(redactRedisUrl("redis-sentinel://app:secret@h1:26379,h2:26379/m?sentinel_password=s3&db=1")).toBe(
      "redis-sentinel://app:***@h1:26379,h2:26379/m?sentinel_password=***&db=1",
    );
    expect(redactRedisUrl("redis-cluster://:secret@n1:7000,n2:7000")).toBe(
      "redis-cluster://:***@n1:7000,n2:7000",
    );
    expect(redactRedisUrl("redis-cluster://nosecret@n1:7000")).toBe("redis-cluster://nosecret@n1:7000");
  });
});

describe("loadConfig with a Sentinel or Cluster REDIS_URL", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "orch-config-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const failure = (load: () => unknown): ConfigError => {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error("expected a ConfigError");
  };

  it("reports a malformed REDIS_URL as a config error naming the variable", () => {
    const error = failure(() => loadConfig({ env: { REDIS_URL: "redis-sentinel://h1:26379" }, cwd: dir }));
    expect(error.message).toMatch(/env REDIS_URL: redis-sentinel:\/\/ needs the master's name/);
    expect(error.message).not.toMatch(/secret/);
  });

  it("refuses a Cluster with a queue prefix that has no hash tag", () => {
    const error = failure(() =>
      loadConfig({
        env: { REDIS_URL: "redis-cluster://n1:7000" },
        cwd: dir,
        overrides: { queue: { prefix: "orch" } },
      }),
    );
    expect(error.message).toMatch(
      /queue.prefix: "orch" has no hash tag; Redis Cluster needs one, e.g. "\{orch\}"/,
    );
  });

  it("lists REDIS_URL's passwords among the secrets the logger masks", () => {
    const env = (url: string) => ({ env: { REDIS_URL: url }, cwd: dir });
    expect(configSecrets(loadConfig(env("redis://:s%40cret@h:6379")))).toEqual(["s@cret"]);
    expect(
      configSecrets(
        loadConfig(env("redis-sentinel://u:master-pw@s1,s2/m?sentinel_password=sentinel-pw")),
      ).sort(),
    ).toEqual(["master-pw", "sentinel-pw"]);
    expect(configSecrets(loadConfig(env("redis-cluster://:cluster-pw@n1:7000")))).toEqual(["cluster-pw"]);
  });

  it("takes replica acknowledgements with Sentinel and Cluster alike", () => {
    const overrides = { queue: { replica_acks: 1 } };
    for (const url of ["redis-sentinel://s1:26379/mymaster", "redis-cluster://n1:7000"]) {
      const config = loadConfig({ env: { REDIS_URL: url }, cwd: dir, overrides });
      expect(config.queue.replica_acks).toBe(1);
      expect(config.queue.replica_ack_timeout_ms).toBe(1000);
    }
  });
});
