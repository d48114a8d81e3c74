/**
 * The operations tests run the service as `npm start` does: API and workers in one process on one
 * metrics registry — which is what the shared harness starts.
 */
export {
  ADMIN_TOKEN,
  OTHER_TOKEN,
  TOKEN,
  startHarness as startOpsStack,
  submitJob as submit,
  waitForJob as waitForEnd,
  type Harness as OpsStack,
  type HarnessOptions as OpsStackOptions,
} from "../../support/orchestrator-harness.js";

/** A token for GET /metrics only (metrics.token). */
export const METRICS_TOKEN = "test-metrics-scrape-token-0123456789";
