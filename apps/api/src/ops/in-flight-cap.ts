import { AppError } from "@orch/core";

/** How long a client capped on jobs in flight is told to wait before trying again. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The refusal of a new job when its owner already had `max` unfinished ones (api.max_jobs_in_flight):
 * 429, saying how many are in flight; undefined below the cap. A soft cap: two submissions racing
 * at the limit may both pass.
 */
export function inFlightCapError(inFlight: number, max: number): AppError | undefined {
  if (inFlight < max) return undefined;
  return new AppError(
    "rate_limited",
    `This token has ${inFlight} jobs in flight and the limit is ${max}; wait for one to finish (or cancel one) and retry.`,
    { in_flight: inFlight, limit: max, retry_after_seconds: RETRY_AFTER_SECONDS },
  );
}
