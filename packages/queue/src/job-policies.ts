import type { Config } from "@orch/config";
import type { PhaseJobPolicy } from "./job-catalog.js";
import type { WebhookJobPolicy } from "./webhook-queue.js";

/** The phase policy shared by producers and workers, from config. */
export function phasePolicy(config: Config): PhaseJobPolicy {
  return {
    attempts: config.orchestrator.retry_attempts,
    backoffMs: config.orchestrator.retry_backoff_ms,
    keepCompletedSeconds: 3600,
    keepFailedSeconds: 7 * 86_400,
  };
}

/** The retry policy of webhook deliveries, shared by the processes that queue them. */
export function webhookPolicy(config: Config): WebhookJobPolicy {
  return { attempts: config.webhooks.attempts, backoffMs: config.webhooks.backoff_ms };
}
