export * from "./create-workers.js";
export * from "./job-end-hooks.js";
export * from "./job-sweeper.js";
export * from "./phase-runner.js";
export * from "./worker-runtime.js";
export * from "./worker-metrics.js";
export type { PhaseDeps } from "./phases/phase-deps.js";
