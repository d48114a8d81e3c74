export * from "./logger.js";
export * from "./metrics-registry.js";
export * from "./metrics-server.js";
export * from "./process-signals.js";
export * from "./job-end-counter.js";
export * from "./heap-tuning.js";
