import type { Config } from "@orch/config";
import type { Reasoner } from "@orch/core";
import { OfflineReasoner } from "./offline-reasoner.js";
import { OpenAIReasoner } from "./openai-reasoner.js";

export interface CreateReasonerOptions {
  /** Use the offline reasoner even when a model is configured (a job's `reasoner: "offline"`). */
  readonly forceOffline?: boolean;
}

/** The OpenAI reasoner when an API key is configured, else the offline one. */
export function createReasoner(config: Config, options: CreateReasonerOptions = {}): Reasoner {
  if (!config.openai || options.forceOffline) return new OfflineReasoner();
  return new OpenAIReasoner({
    apiKey: config.openai.apiKey,
    ...(config.openai.baseUrl !== undefined ? { baseUrl: config.openai.baseUrl } : {}),
    llm: config.llm,
    jobDeadlineMs: config.orchestrator.job_deadline_seconds * 1000,
  });
}
