import {
  composeOfflineAnswer,
  planOffline,
  type Answer,
  type AnswerInput,
  type Plan,
  type PlanInput,
  type Reasoned,
  type Reasoner,
} from "@orch/core";
import { abortError } from "./abort-error.js";

/** The deterministic reasoner: the offline planner and the templated answer, no model. */
export class OfflineReasoner implements Reasoner {
  readonly id = "offline";

  constructor(private readonly now: () => number = Date.now) {}

  plan(input: PlanInput, signal: AbortSignal): Promise<Reasoned<Plan>> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    const t0 = this.now();
    const plan = planOffline(input);
    return Promise.resolve({
      value: plan,
      steps: [
        {
          kind: "analysis",
          name: "plan.offline",
          started_at: new Date(t0).toISOString(),
          duration_ms: this.now() - t0,
          status: "ok",
          summary: `${plan.steps.length} step(s), intent ${plan.intent}: ${plan.rationale}`.slice(0, 600),
        },
      ],
    });
  }

  answer(input: AnswerInput, signal: AbortSignal): Promise<Reasoned<Answer>> {
    if (signal.aborted) return Promise.reject(abortError(signal));
    const t0 = this.now();
    const answer = composeOfflineAnswer(input);
    return Promise.resolve({
      value: answer,
      steps: [
        {
          kind: "analysis",
          name: "answer.offline",
          started_at: new Date(t0).toISOString(),
          duration_ms: this.now() - t0,
          status: "ok",
          summary: `templated answer: ${answer.findings_used.length} finding(s) cited, confidence ${answer.confidence}`,
        },
      ],
    });
  }
}
