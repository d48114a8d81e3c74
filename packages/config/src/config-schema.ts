import { z } from "zod";
import { parseWindowDuration } from "@orch/core";
import { redisUrlProblem } from "./redis-target.js";

/**
 * List prices of a few OpenAI models, USD per million tokens (prompt, cached prompt, completion),
 * as OpenAI published them; override or extend them in llm.prices.
 */
const DEFAULT_PRICES = {
  "gpt-4o": { prompt: 2.5, cached_prompt: 1.25, completion: 10 },
  "gpt-4o-mini": { prompt: 0.15, cached_prompt: 0.075, completion: 0.6 },
  "gpt-4.1": { prompt: 2, cached_prompt: 0.5, completion: 8 },
  "gpt-4.1-mini": { prompt: 0.4, cached_prompt: 0.1, completion: 1.6 },
  "gpt-4.1-nano": { prompt: 0.1, cached_prompt: 0.025, completion: 0.4 },
  "o3-mini": { prompt: 1.1, cached_prompt: 0.55, completion: 4.4 },
};

const int = (min: number, max: number, def: number) => z.number().int().min(min).max(max).default(def);
/** A lower-case host name or IPv4 address, optionally `*.` + a domain. */
const HOST_PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
/** How answers and `data_source` name a Datadog organisation: a short label, never a URL. */
const orgName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]{0,62}$/, "a short name: letters, digits, space, . _ -")
  .optional();
const duration = z
  .string()
  .refine(
    (s) => parseWindowDuration(s) !== undefined,
    "a duration of at least 1 minute, such as 30m, 1h or 1d",
  );

export const serviceConfigSchema = z
  .object({
    tags: z
      .array(z.string().regex(/^[a-z][a-z0-9_.\-/]*:[a-z0-9_.\-/]+$/, "a key:value tag in lower case"))
      .min(1)
      .optional()
      .describe("tags that scope the service; default service:<id>"),
    env: z
      .string()
      .regex(/^[a-z0-9_.-]+$/)
      .optional(),
    site: z.string().optional().describe("the service's own Datadog site"),
    api_url: z.url().optional().describe("the service's own Datadog base URL"),
    api_key: z.string().min(1).optional(),
    app_key: z.string().min(1).optional(),
    org_name: orgName.describe("how answers name the service's own Datadog organisation"),
  })
  .strict();

/** USD per million tokens of one model (llm.prices). */
export const modelPriceSchema = z
  .object({
    prompt: z.number().min(0).max(10_000),
    cached_prompt: z
      .number()
      .min(0)
      .max(10_000)
      .optional()
      .describe("prompt tokens served from the provider's cache; default the prompt price"),
    completion: z.number().min(0).max(10_000),
  })
  .strict();

const OWNER_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** One Datadog Webhooks integration: its header secret, and the owner its jobs belong to. */
export const alertIntegrationSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lower-case letters, digits, '_' and '-'"),
    owner: z.string().regex(OWNER_PATTERN, "an owner name as in API_TOKENS' ;name="),
    secret: z.string().min(16, "at least 16 characters").max(512),
  })
  .strict();

/** Where a job's Slack message goes: every job of an owner, or of some monitors. */
export const slackRouteSchema = z
  .object({
    webhook_url: z.url({ protocol: /^https?$/, error: "a Slack incoming webhook URL" }),
    owner: z.string().regex(OWNER_PATTERN).optional(),
    monitor_ids: z.array(z.number().int().min(1).max(1e15)).min(1).optional(),
  })
  .strict()
  .refine((r) => r.owner !== undefined || r.monitor_ids !== undefined, "name an owner or monitor_ids");

/** config.json: the seed's sections and ours. Every key has a default. */
export const fileConfigSchema = z
  .object({
    orchestrator: z
      .object({
        max_reasoning_steps: int(1, 50, 10),
        max_rounds: int(0, 3, 2).describe(
          "drill-down rounds a job may take after the first (grouped reads that place a finding: which endpoint, host, version); 0 turns them off",
        ),
        timeout_seconds: int(1, 600, 30).describe("how long POST /orchestrate waits before answering 202"),
        job_deadline_seconds: int(10, 3600, 300).describe("hard deadline of a job from submission"),
        retry_attempts: int(1, 10, 3),
        retry_backoff_ms: int(10, 60_000, 1000),
        tool_concurrency: int(1, 32, 4),
        concurrency: z
          .object({ planning: int(1, 256, 8), execution: int(1, 256, 8), feedback: int(1, 256, 8) })
          .strict()
          .default({ planning: 8, execution: 8, feedback: 8 }),
        job_retention_seconds: int(60, 90 * 86_400, 7 * 86_400),
        evidence_retention_seconds: int(60, 90 * 86_400, 86_400).describe(
          "how long an ended job's evidence (the data read) is kept; the answer and trace stay job_retention_seconds",
        ),
        // BullMQ renews a running phase's lock every half lock: 10 s survives 5 s event-loop stalls,
        // and a killed worker's phase is taken over within lock + stalled interval (about 15 s, not 60).
        lock_duration_ms: int(1000, 600_000, 10_000),
        stalled_interval_ms: int(1000, 600_000, 2_000),
      })
      .strict()
      .prefault({}),
    datadog: z
      .object({
        default_timeframe: duration.default("1h"),
        org_name: orgName.describe("how answers and data_source name the deployment's Datadog organisation"),
        max_metrics_per_request: int(1, 1000, 100),
        max_queries_per_request: int(1, 100, 20).describe("metric queries sent together in one request"),
        request_timeout_ms: int(100, 120_000, 10_000),
        max_retries: int(0, 10, 3),
        requests_per_second: int(1, 10_000, 20).describe("global budget shared by all workers"),
        cache: z
          .object({
            bucket_seconds: int(1, 3600, 60),
            ttl_live_seconds: int(1, 3600, 60),
            ttl_past_seconds: int(1, 30 * 86_400, 86_400),
            lock_ttl_ms: int(100, 120_000, 15_000),
            wait_timeout_ms: int(100, 120_000, 20_000),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    llm: z
      .object({
        model: z.string().min(1).default("gpt-4o"),
        temperature: z.number().min(0).max(2).default(0.1),
        max_tokens: int(64, 128_000, 2000),
        timeout_ms: int(1000, 600_000, 60_000),
        max_retries: int(0, 10, 2),
        context_token_budget: int(256, 200_000, 6000),
        round_context_token_budget: int(0, 50_000, 800).describe(
          "tokens the drill-down rounds' results may add to the answer's context, on top of context_token_budget",
        ),
        history_messages: int(0, 100, 10),
        prices: z
          .record(z.string().min(1).max(200), modelPriceSchema)
          .default({})
          .transform((prices): Record<string, z.infer<typeof modelPriceSchema>> => ({
            ...DEFAULT_PRICES,
            ...prices,
          }))
          .describe(
            "USD per million tokens by model name, over the built-in table; a model without an entry has no cost_usd",
          ),
      })
      .strict()
      .prefault({}),
    api: z
      .object({
        body_limit_bytes: int(1024, 10 * 1024 * 1024, 64 * 1024),
        max_wait_seconds: int(1, 600, 60),
        rate_limit_per_minute: int(1, 1_000_000, 600).describe("requests per token per minute"),
        max_jobs_in_flight: int(1, 100_000, 100).describe("unfinished jobs per token"),
        max_queued_jobs: int(1, 10_000_000, 20_000).describe(
          "unfinished jobs in all (queued or running) beyond which new ones are refused with 503",
        ),
        max_redis_memory_ratio: z
          .number()
          .min(0.1)
          .max(1)
          .default(0.9)
          .describe("share of Redis maxmemory in use beyond which new jobs are refused with 503"),
        auth_failures_per_minute: int(0, 100_000, 60).describe(
          "requests with an unknown token allowed per client address per minute (0: no limit)",
        ),
        trust_proxy: z
          .boolean()
          .default(false)
          .describe(
            "take the client address from X-Forwarded-For (only behind a reverse proxy that sets it)",
          ),
      })
      .strict()
      .prefault({}),
    sessions: z
      .object({
        retention_seconds: int(60, 365 * 86_400, 30 * 86_400),
        max_messages: int(2, 1000, 50),
      })
      .strict()
      .prefault({}),
    queue: z
      .object({
        prefix: z
          .string()
          .regex(/^[A-Za-z0-9{}_-]+$/)
          .default("{orch}")
          .describe("BullMQ prefix; keep the hash tag for Redis Cluster"),
        replica_acks: int(0, 5, 0).describe(
          "replicas that must hold a new job's writes (Redis WAIT) before the API accepts it; 0 waits for none",
        ),
        replica_ack_timeout_ms: int(10, 4000, 1000).describe(
          "how long the API waits for those replicas before accepting anyway (and logging a warning)",
        ),
      })
      .strict()
      .prefault({}),
    admin: z
      .object({
        read_only: z
          .boolean()
          .default(false)
          .describe("Bull Board shows queues and jobs but cannot retry, clean or remove"),
      })
      .strict()
      .prefault({}),
    metrics: z
      .object({
        token: z
          .string()
          .min(16)
          .optional()
          .describe("bearer token for GET /metrics (admin API tokens also work)"),
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .optional()
          .describe("serve /metrics without auth on its own port (0: any free port)"),
      })
      .strict()
      .prefault({}),
    services: z.record(z.string().regex(/^[a-z0-9][a-z0-9._\-/]{0,99}$/), serviceConfigSchema).default({}),
    events: z
      .object({
        heartbeat_ms: int(100, 300_000, 15_000).describe(
          "comment line sent on idle event streams (GET /jobs/:id/events)",
        ),
      })
      .strict()
      .prefault({}),
    backend: z
      .object({
        timeout_ms: int(100, 60_000, 2000).describe("per attempt, for calls to BACKEND_API_URL"),
        retries: int(0, 5, 2),
        backoff_ms: int(10, 10_000, 200),
        cache_seconds: int(0, 3600, 60).describe("how long service info from the backend is reused"),
      })
      .strict()
      .prefault({}),
    alerts: z
      .object({
        lookback: duration.default("1h").describe("how far before the trigger an alert's window starts"),
        flap_seconds: int(0, 86_400, 900).describe("at most one job per monitor in this period"),
        dedupe_seconds: int(60, 30 * 86_400, 86_400).describe("how long a notification is remembered"),
        concurrency: int(1, 256, 4).describe("alert-started investigations running at once, all workers"),
        max_queue_seconds: int(60, 86_400, 3600).describe("an alert not started by then fails"),
        datadog: z
          .object({ integrations: z.array(alertIntegrationSchema).max(100).default([]) })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    slack: z
      .object({
        routes: z.array(slackRouteSchema).max(1000).default([]),
        link_base_url: z
          .url({ protocol: /^https?$/ })
          .optional()
          .describe("the API's public URL, for the link to the job in each message"),
        timeout_ms: int(100, 60_000, 5000),
      })
      .strict()
      .prefault({}),
    webhooks: z
      .object({
        allowed_hosts: z
          .array(z.string().regex(HOST_PATTERN, "a host name, an IP address or a *.domain pattern"))
          .default([])
          .describe("hosts callback_url may name (exact, or *.example.com); empty disables webhooks"),
        allow_private: z
          .boolean()
          .default(false)
          .describe("allow callbacks to loopback and private addresses (local development)"),
        timeout_ms: int(100, 60_000, 5000).describe("per delivery attempt"),
        attempts: int(1, 20, 6),
        backoff_ms: int(10, 600_000, 2000).describe("first retry delay; doubles each attempt"),
        concurrency: int(1, 256, 8),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type ServiceConfig = z.infer<typeof serviceConfigSchema>;
export type ModelPrice = z.infer<typeof modelPriceSchema>;
export type AlertIntegration = z.infer<typeof alertIntegrationSchema>;
export type SlackRoute = z.infer<typeof slackRouteSchema>;

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s === undefined || s === "" ? undefined : s));

/** Environment variables we read; empty strings count as unset. */
export const envSchema = z.object({
  NODE_ENV: optionalText,
  PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, "a port number")
      .transform(Number)
      .pipe(z.number().int().min(0).max(65535))
      .optional(),
  ),
  HOST: optionalText,
  REDIS_URL: optionalText.pipe(
    z
      .string()
      .superRefine((url, ctx) => {
        const problem = redisUrlProblem(url);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional(),
  ),
  API_TOKENS: optionalText,
  LOG_LEVEL: optionalText.pipe(
    z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]))
      .optional(),
  ),
  CONFIG_FILE: optionalText,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url().optional()),
  DATADOG_API_KEY: optionalText,
  DATADOG_APP_KEY: optionalText,
  DATADOG_SITE: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]+$/, "a Datadog site such as datadoghq.com or datadoghq.eu")
      .optional(),
  ),
  DATADOG_API_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  BACKEND_API_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  BACKEND_API_TOKEN: optionalText,
  WEBHOOK_SECRET: optionalText,
  METRICS_TOKEN: optionalText.pipe(z.string().min(16, "at least 16 characters").optional()),
  METRICS_PORT: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, "a port number")
      .transform(Number)
      .pipe(z.number().int().min(0).max(65535))
      .optional(),
  ),
  WORKER_PROCESSES: optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, "a number of processes")
      .transform(Number)
      .pipe(z.number().int().min(1).max(256))
      .optional(),
  ),
});

export type EnvInput = z.infer<typeof envSchema>;
