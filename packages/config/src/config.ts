import { readFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import type { z } from "zod";
import { parseApiTokens, type ApiToken } from "./api-tokens.js";
import { ConfigError } from "./config-error.js";
import { envSchema, fileConfigSchema, type FileConfig } from "./config-schema.js";
import { parseRedisTarget } from "./redis-target.js";

export interface DatadogConfig extends Readonly<FileConfig["datadog"]> {
  readonly apiKey?: string;
  readonly appKey?: string;
  /** e.g. "datadoghq.com", "datadoghq.eu", "us5.datadoghq.com". */
  readonly site: string;
  /** A full base URL overriding the site (gateways, proxies, local fakes). */
  readonly apiUrl?: string;
}

/** The one typed configuration, read once by each composition root. */
export interface Config {
  readonly mode: "production" | "development" | "test";
  readonly port: number;
  readonly host: string;
  readonly redisUrl?: string;
  /** WORKER_PROCESSES: worker processes under one supervisor; the number of cores when absent. */
  readonly workerProcesses?: number;
  readonly tokens: readonly ApiToken[];
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  readonly configFile?: string;
  readonly openai?: { readonly apiKey: string; readonly baseUrl?: string };
  readonly datadog: DatadogConfig;
  /** The optional backend (BACKEND_API_URL) with its call policy from config.json `backend`. */
  readonly backend?: { readonly url: string; readonly token?: string } & FileConfig["backend"];
  readonly webhookSecret?: string;
  readonly orchestrator: FileConfig["orchestrator"];
  readonly llm: FileConfig["llm"];
  readonly api: FileConfig["api"];
  readonly sessions: FileConfig["sessions"];
  readonly queue: FileConfig["queue"];
  readonly services: FileConfig["services"];
  readonly events: FileConfig["events"];
  readonly webhooks: FileConfig["webhooks"];
  readonly admin: FileConfig["admin"];
  readonly alerts: FileConfig["alerts"];
  readonly slack: FileConfig["slack"];
  /** GET /metrics: a scrape token, and/or a separate port served without auth. */
  readonly metrics: { readonly token?: string; readonly port?: number };
}

export interface LoadConfigOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where a relative CONFIG_FILE and the default ./config.json are looked up. */
  readonly cwd?: string;
  /** Overrides merged over config.json (tests, benchmarks). */
  readonly overrides?: z.input<typeof fileConfigSchema>;
}

function readFileConfig(
  path: string | undefined,
  cwd: string,
  required: boolean,
): { data: unknown; file?: string } {
  const file = resolve(cwd, path ?? "config.json");
  if (!existsSync(file)) {
    if (required) throw new ConfigError(`CONFIG_FILE: ${file} does not exist`);
    return { data: {} };
  }
  try {
    return { data: JSON.parse(readFileSync(file, "utf8")) as unknown, file };
  } catch (error) {
    throw new ConfigError(
      `${file}: not valid JSON (${error instanceof Error ? error.message : "parse error"})`,
    );
  }
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (typeof base !== "object" || base === null || Array.isArray(base)) return over;
  if (typeof over !== "object" || over === null || Array.isArray(over)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(out[key], value);
  return out;
}

/** Reads and validates env and config.json; throws ConfigError naming each bad key. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const rawEnv = options.env ?? {};
  const cwd = options.cwd ?? ".";
  const envResult = envSchema.safeParse(rawEnv);
  if (!envResult.success) throw ConfigError.fromZod("env", envResult.error);
  const env = envResult.data;

  const { data, file } = readFileConfig(env.CONFIG_FILE, cwd, env.CONFIG_FILE !== undefined);
  const fileResult = fileConfigSchema.safeParse(deepMerge(data, options.overrides));
  if (!fileResult.success) throw ConfigError.fromZod(file ?? "config", fileResult.error);
  const fileConfig = fileResult.data;

  if ((env.DATADOG_API_KEY === undefined) !== (env.DATADOG_APP_KEY === undefined)) {
    throw new ConfigError(
      "env DATADOG_API_KEY and DATADOG_APP_KEY: set both to use Datadog, or neither for demo data",
    );
  }
  // The environment wins over config.json for the scrape settings (secrets belong in the environment).
  const metricsToken = env.METRICS_TOKEN ?? fileConfig.metrics.token;
  const metricsPort = env.METRICS_PORT ?? fileConfig.metrics.port;
  if (fileConfig.webhooks.allowed_hosts.length > 0 && env.WEBHOOK_SECRET === undefined) {
    throw new ConfigError(
      "env WEBHOOK_SECRET: required when webhooks.allowed_hosts is set (callbacks are signed with it)",
    );
  }
  const redisTarget = env.REDIS_URL !== undefined ? parseRedisTarget(env.REDIS_URL) : undefined;
  if (redisTarget?.kind === "cluster") {
    // BullMQ's scripts touch several keys of a queue at once: they must share a slot.
    if (!/\{[^}]+\}/.test(fileConfig.queue.prefix)) {
      throw new ConfigError(
        `queue.prefix: "${fileConfig.queue.prefix}" has no hash tag; Redis Cluster needs one, e.g. "{orch}"`,
      );
    }
  }
  const mode =
    env.NODE_ENV === "production" ? "production" : env.NODE_ENV === "test" ? "test" : "development";

  return {
    mode,
    port: env.PORT ?? 8000,
    host: env.HOST ?? "0.0.0.0",
    tokens: parseApiTokens(env.API_TOKENS),
    logLevel: env.LOG_LEVEL ?? (mode === "test" ? "silent" : "info"),
    datadog: {
      ...fileConfig.datadog,
      site: env.DATADOG_SITE ?? "datadoghq.com",
      ...(env.DATADOG_API_KEY !== undefined ? { apiKey: env.DATADOG_API_KEY } : {}),
      ...(env.DATADOG_APP_KEY !== undefined ? { appKey: env.DATADOG_APP_KEY } : {}),
      ...(env.DATADOG_API_URL !== undefined ? { apiUrl: env.DATADOG_API_URL } : {}),
    },
    orchestrator: fileConfig.orchestrator,
    llm: fileConfig.llm,
    api: fileConfig.api,
    sessions: fileConfig.sessions,
    queue: fileConfig.queue,
    services: fileConfig.services,
    events: fileConfig.events,
    webhooks: fileConfig.webhooks,
    admin: fileConfig.admin,
    alerts: fileConfig.alerts,
    slack: fileConfig.slack,
    metrics: {
      ...(metricsToken !== undefined ? { token: metricsToken } : {}),
      ...(metricsPort !== undefined ? { port: metricsPort } : {}),
    },
    ...(env.REDIS_URL !== undefined ? { redisUrl: env.REDIS_URL } : {}),
    ...(env.WORKER_PROCESSES !== undefined ? { workerProcesses: env.WORKER_PROCESSES } : {}),
    ...(file !== undefined ? { configFile: file } : {}),
    ...(env.OPENAI_API_KEY !== undefined
      ? {
          openai: {
            apiKey: env.OPENAI_API_KEY,
            ...(env.OPENAI_BASE_URL ? { baseUrl: env.OPENAI_BASE_URL } : {}),
          },
        }
      : {}),
    ...(env.BACKEND_API_URL !== undefined
      ? {
          backend: {
            url: env.BACKEND_API_URL,
            ...(env.BACKEND_API_TOKEN ? { token: env.BACKEND_API_TOKEN } : {}),
            ...fileConfig.backend,
          },
        }
      : {}),
    ...(env.WEBHOOK_SECRET !== undefined ? { webhookSecret: env.WEBHOOK_SECRET } : {}),
  };
}

/** Secret-bearing config values, for log redaction and leak tests. */
export function configSecrets(config: Config): string[] {
  const secrets = [
    config.openai?.apiKey,
    config.datadog.apiKey,
    config.datadog.appKey,
    config.backend?.token,
    config.webhookSecret,
    config.metrics.token,
    ...config.tokens.map((t) => t.token),
    ...Object.values(config.services).flatMap((s) => [s.api_key, s.app_key]),
    ...config.alerts.datadog.integrations.map((i) => i.secret),
    ...config.slack.routes.map((r) => r.webhook_url),
    ...redisSecrets(config.redisUrl),
  ];
  return secrets.filter((s): s is string => typeof s === "string" && s.length > 0);
}

/** The passwords in REDIS_URL (a server's, a Sentinel's). */
function redisSecrets(url: string | undefined): Array<string | undefined> {
  if (url === undefined) return [];
  const target = parseRedisTarget(url);
  if (target.kind === "single") {
    const password = new URL(url).password;
    return [password ? decodeURIComponent(password) : undefined];
  }
  return [target.password, target.kind === "sentinel" ? target.sentinelPassword : undefined];
}
