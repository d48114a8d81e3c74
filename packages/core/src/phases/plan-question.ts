import { AppError, Cancelled, describeError } from "../errors.js";
import type { StepDraft } from "../job.js";
import type { Plan } from "../plan.js";
import type { ConversationMessage, MetricsSource, Reasoner } from "../ports.js";
import type { ServiceScope } from "../service-scope.js";
import { withHistory } from "../planner/history-policy.js";
import { planWindow } from "../planner/plan-offline.js";
import { parseTimeframe, type TimeWindow } from "../time-window.js";

/** The window a request gave as options.from/options.to, ending no later than now. */
function requestedRange(range: { readonly from: number; readonly to: number }, now: number): TimeWindow {
  const end = Math.min(range.to, now);
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");
  const same = stamp(range.from).slice(0, 10) === stamp(end).slice(0, 10);
  return {
    start: range.from,
    end,
    label: `${stamp(range.from)}${same ? `–${stamp(end).slice(11)}` : ` → ${stamp(end)}`} UTC (as requested)`,
    explicit: true,
  };
}
import { startStep, type StepSink } from "./step-clock.js";

export interface PlanQuestionInput {
  readonly question: string;
  readonly scope: ServiceScope;
  readonly history: readonly ConversationMessage[];
  /** An explicit timeframe ("24h") from the request's options; else read from the question. */
  readonly timeframe?: string;
  /** An absolute window from the request's options (epoch ms); wins over everything else. */
  readonly range?: { readonly from: number; readonly to: number };
  /** A window decided before planning (an alert's), used as it is. */
  readonly window?: TimeWindow;
  readonly defaultTimeframe: string;
  readonly maxSteps: number;
  /** The job's deadline (epoch ms), handed to the reasoner. */
  readonly deadlineMs?: number;
}

export interface PhaseDeps {
  readonly source: MetricsSource;
  readonly reasoner: Reasoner;
  readonly now: () => number;
  readonly onStep?: StepSink;
}

export interface PlanOutcome {
  readonly plan: Plan;
  readonly available_metrics: readonly string[];
  readonly steps: readonly StepDraft[];
  readonly upstream_calls: number;
}

/** Planning: finds the window, discovers the service's metrics, and asks the reasoner for a plan. */
export async function planQuestion(
  deps: PhaseDeps,
  input: PlanQuestionInput,
  signal: AbortSignal,
): Promise<PlanOutcome> {
  const steps: StepDraft[] = [];
  const record = (step: StepDraft) => {
    steps.push(step);
    deps.onStep?.(step);
  };
  const asked: TimeWindow = input.range
    ? requestedRange(input.range, deps.now())
    : input.window
      ? input.window
      : input.timeframe
        ? parseTimeframe(`last ${input.timeframe}`, input.defaultTimeframe, deps.now())
        : parseTimeframe(input.question, input.defaultTimeframe, deps.now());
  // Slow problems and follow-ups get their window here, so discovery and every reasoner use it.
  let window = planWindow({ question: input.question, window: asked, history: input.history });

  let available: readonly string[] = [];
  let upstream = 0;
  const t = startStep(deps.now);
  try {
    const read = await deps.source.discoverMetrics(input.scope, window, signal);
    available = read.value;
    upstream += read.upstream_calls;
    record({
      kind: "tool",
      name: "discover_metrics",
      started_at: t.startedAt,
      duration_ms: t.elapsed(),
      status: "ok",
      ...(read.cache ? { cache: read.cache } : {}),
      summary: `${available.length} metric(s) reported by ${input.scope.tags.join(",")}`,
    });
  } catch (error) {
    if (signal.aborted) throw new Cancelled();
    record({
      kind: "tool",
      name: "discover_metrics",
      started_at: t.startedAt,
      duration_ms: t.elapsed(),
      status: "error",
      summary: "metric discovery failed; planning from standard metric names",
      error: error instanceof AppError ? `${error.code}: ${error.message}` : describeError(error),
    });
  }

  // What the service reports can reveal a slow problem the words alone did not ("is mongod
  // growing?" is memory growth where mongod's memory is reported): widen for it too.
  if (available.length > 0)
    window = planWindow({
      question: input.question,
      window,
      history: input.history,
      available_metrics: available,
    });

  const reasoned = await deps.reasoner.plan(
    {
      question: input.question,
      scope: input.scope,
      window,
      history: input.history,
      available_metrics: available,
      max_steps: input.maxSteps,
      ...(input.deadlineMs !== undefined ? { deadline_ms: input.deadlineMs } : {}),
    },
    signal,
  );
  for (const step of reasoned.steps) record(step);
  return { plan: withHistory(reasoned.value), available_metrics: available, steps, upstream_calls: upstream };
}
