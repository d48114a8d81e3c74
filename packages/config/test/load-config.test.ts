import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, configSecrets, loadConfig } from "@orch/config";

describe("loadConfig", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "orch-config-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writeConfig = (content: unknown, name = "config.json") => {
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  };

  /** The ConfigError `load` throws. */
  const failure = (load: () => unknown): ConfigError => {
    try {
      load();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error("expected a ConfigError");
  };

  it("runs with no environment and no config.json: defaults, demo data, the offline reasoner", () => {
    const config = loadConfig({ env: {}, cwd: dir });
    expect(config.port).toBe(8000);
    expect(config.mode).toBe("development");
    expect(config.tokens).toEqual([]);
    expect(config.openai).toBeUndefined();
    expect(config.datadog.apiKey).toBeUndefined();
    expect(config.orchestrator.job_deadline_seconds).toBe(300);
    expect(config.configFile).toBeUndefined();
  });

  it("reads config.json from the working directory, and the environment over it for metrics", () => {
    writeConfig({
      orchestrator: { job_deadline_seconds: 90 },
      metrics: { port: 9100, token: "file-scrape-token-1234" },
    });
    const config = loadConfig({ env: { METRICS_TOKEN: "env-scrape-token-1234" }, cwd: dir });
    expect(config.configFile).toBe(join(dir, "config.json"));
    expect(config.orchestrator.job_deadline_seconds).toBe(90);
    expect(config.metrics).toEqual({ token: "env-scrape-token-1234", port: 9100 });
  });

  it("names the environment variable that is wrong", () => {
    const error = failure(() => loadConfig({ env: { PORT: "eighty" }, cwd: dir }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^env PORT: /);
    expect(error.message).toContain("env PORT");
  });

  it("names each bad key of config.json with its path and the file", () => {
    writeConfig({ orchestrator: { job_deadline_seconds: 1 }, api: { max_wait_seconds: "soon" } });
    const error = failure(() => loadConfig({ env: {}, cwd: dir }));
    const file = join(dir, "config.json");
    expect(error.problems.map((p) => p.split(":")[0])).toEqual(
      expect.arrayContaining([`${file} orchestrator.job_deadline_seconds`, `${file} api.max_wait_seconds`]),
    );
    expect(error.code).toBe("config_error");
  });

  it("says when config.json is not JSON, and when CONFIG_FILE names no file", () => {
    writeConfig("{ nope");
    expect(failure(() => loadConfig({ env: {}, cwd: dir })).message).toMatch(/config\.json: not valid JSON/);
    expect(failure(() => loadConfig({ env: { CONFIG_FILE: "missing.json" }, cwd: dir })).message).toBe(
      `CONFIG_FILE: ${join(dir, "missing.json")} does not exist`,
    );
  });

  it("reads CONFIG_FILE relative to the working directory", () => {
    writeConfig({ orchestrator: { job_deadline_seconds: 120 } }, "other.json");
    const config = loadConfig({ env: { CONFIG_FILE: "other.json" }, cwd: dir });
    expect(config.orchestrator.job_deadline_seconds).toBe(120);
  });

  it("wants both Datadog keys or neither", () => {
    expect(failure(() => loadConfig({ env: { DATADOG_API_KEY: "k" }, cwd: dir })).message).toContain(
      "env DATADOG_API_KEY and DATADOG_APP_KEY",
    );
    const config = loadConfig({ env: { DATADOG_API_KEY: "k", DATADOG_APP_KEY: "a" }, cwd: dir });
    expect(config.datadog).toMatchObject({ apiKey: "k", appKey: "a", site: "datadoghq.com" });
  });

  it("wants WEBHOOK_SECRET once webhooks may call hosts", () => {
    writeConfig({ webhooks: { allowed_hosts: ["hooks.example.com"] } });
    expect(failure(() => loadConfig({ env: {}, cwd: dir })).message).toMatch(/^env WEBHOOK_SECRET: required/);
  });

  it("merges overrides over config.json, and validates them too", () => {
    writeConfig({ orchestrator: { job_deadline_seconds: 90 } });
    const config = loadConfig({ env: {}, cwd: dir, overrides: { api: { max_wait_seconds: 5 } } });
    expect([config.orchestrator.job_deadline_seconds, config.api.max_wait_seconds]).toEqual([90, 5]);
    const error = failure(() =>
      loadConfig({ env: {}, cwd: dir, overrides: { orchestrator: { job_deadline_seconds: 0 } } }),
    );
    expect(error.problems[0]).toMatch(/orchestrator\.job_deadline_seconds: /);
  });

  it("lists every secret it holds, for redaction", () => {
    const config = loadConfig({
      env: {
        API_TOKENS: "tok-1;name=a",
        OPENAI_API_KEY: "sk-test",
        DATADOG_API_KEY: "dd-api",
        DATADOG_APP_KEY: "dd-app",
        WEBHOOK_SECRET: "whsec",
        METRICS_TOKEN: "scrape-token-123456",
      },
      cwd: dir,
    });
    expect(configSecrets(config).sort()).toEqual(
      ["tok-1", "sk-test", "dd-api", "dd-app", "whsec", "scrape-token-123456"].sort(),
    );
  });
});
