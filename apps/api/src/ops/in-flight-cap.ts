import { AppError } from "@orch/core";
import type { JobStore } from "@orch/queue";

/** How long a client capped on jobs in flight is told to wait before trying again. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Refuses a new job when the owner already has `max` unfinished ones (api.max_jobs_in_flight):
 * 429, saying how many are in flight. A soft cap: two submissions racing at the limit may both pass.
 */
export async function assertBelowInFlightCap(
  store: JobStore,
  owner: string,
  max: number,
  onCapped?: () => void,
): Promise<void> {
  const inFlight = await store.inFlight(owner);
  if (inFlight < max) return;
  onCapped?.();
  throw new AppError(
    "rate_limited",
    `This token has ${inFlight} jobs in flight and the limit is ${max}; wait for one to finish (or cancel one) and retry.`,
    { in_flight: inFlight, limit: max, retry_after_seconds: RETRY_AFTER_SECONDS },
  );
}
