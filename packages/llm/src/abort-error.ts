import { AppError, Cancelled } from "@orch/core";

/** What to throw when the caller aborted: its own reason when that is one of ours, else Cancelled. */
export function abortError(signal: AbortSignal): AppError {
  return signal.reason instanceof AppError ? signal.reason : new Cancelled();
}
