import {
  executePlan,
  planQuestion,
  renderQuestion,
  serviceScope,
  synthesizeAnswer,
  type JobResult,
  type Plan,
} from "@orch/core";
import { DemoSource } from "@orch/datadog";
import { OfflineReasoner } from "@orch/llm";
import { pinTimeOfDay } from "./pin-time-of-day.js";
import type { ScenarioFile } from "./scenario-library.js";

/** What a job would have produced for a scenario, computed in process. */
export interface InProcessRun {
  readonly question: string;
  readonly plan: Plan;
  readonly result: JobResult;
}

/**
 * Runs one scenario through the same planner, execution, analysis and offline answer as a job,
 * in process, with the demo source serving the scenario at `anchor` (a job's window ends 30 s
 * before it). Quick checks of robustness to noise and of the answer's text use it; `runEval` is
 * the end-to-end measurement through the API, the queue and the Datadog client.
 */
export async function runInProcess(entry: ScenarioFile, anchor: number): Promise<InProcessRun> {
  const scenario = pinTimeOfDay(entry.scenario, anchor);
  const now = () => anchor - 30_000;
  const source = new DemoSource({ scenarios: () => scenario, anchor: () => anchor, now });
  const reasoner = new OfflineReasoner(now);
  const scope = serviceScope(scenario.service);
  const signal = new AbortController().signal;
  const question = renderQuestion(scenario.question, anchor);
  const planned = await planQuestion(
    { source, reasoner, now },
    {
      question,
      scope,
      history: [],
      ...(scenario.timeframe === null ? {} : { timeframe: scenario.window }),
      defaultTimeframe: "1h",
      maxSteps: 10,
    },
    signal,
  );
  const executed = await executePlan({ source, now, concurrency: 4 }, planned.plan, scope, signal);
  const { result } = await synthesizeAnswer(
    { reasoner, now },
    { question, scope, plan: planned.plan, evidence: executed.evidence, history: [] },
    signal,
  );
  return { question, plan: planned.plan, result };
}
