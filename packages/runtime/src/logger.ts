import { pino, type Logger } from "pino";
import { configSecrets, type Config } from "@orch/config";

const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["dd-api-key"]',
  'req.headers["dd-application-key"]',
  "headers.authorization",
  "*.apiKey",
  "*.appKey",
  "*.api_key",
  "*.app_key",
  "*.token",
  "*.password",
  "*.secret",
];

function scrub(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") {
    let out = value;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join("[REDACTED]");
    return out;
  }
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrub(value.message, secrets),
      code: (value as { code?: unknown }).code,
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secrets, depth + 1)]));
}

/**
 * The service's logger: JSON in production, pretty on a developer's terminal; known secret
 * paths redacted, and any configured secret value masked wherever it appears in a line.
 */
export function createLogger(config: Config, name: string): Logger {
  const secrets = configSecrets(config).filter((s) => s.length >= 4);
  const pretty = config.mode === "development" && process.stdout.isTTY;
  return pino({
    name,
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
    serializers: { err: (error: unknown) => scrub(error, secrets) },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => scrub(a, secrets)) as Parameters<typeof method>);
      },
    },
    ...(pretty
      ? {
          transport: {
            target: "pino-pretty",
            options: { colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname" },
          },
        }
      : {}),
  });
}
