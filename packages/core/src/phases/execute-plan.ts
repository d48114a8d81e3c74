import { abortError } from "../abort-signal.js";
import { AppError, Cancelled, describeError, UpstreamError } from "../errors.js";
import { monitorExclusionText } from "../analysis/monitors.js";
import type { Evidence, Series, ToolResult } from "../evidence.js";
import type { StepDraft } from "../job.js";
import type { MetricQuery, Plan, PlanStep } from "../plan.js";
import type { MetricsSource, SourceRead } from "../ports.js";
import type { ServiceScope } from "../service-scope.js";
import { metadataReader, type MetadataRead } from "./metadata-reader.js";
import { startStep, type StepSink } from "./step-clock.js";
import { widerWindow } from "./widen-window.js";

export interface ExecuteDeps {
  readonly source: MetricsSource;
  readonly now: () => number;
  /** Plan steps read in parallel at most. */
  readonly concurrency: number;
  /**
   * When reads must be done (epoch ms), leaving the job time to answer: a read still waiting then
   * (a slow upstream, or a rate limit that deferred it) is given up and reported as not read.
   */
  readonly readBy?: number;
  readonly onStep?: StepSink;
}

export interface ExecuteOutcome {
  readonly evidence: Evidence;
  readonly steps: readonly StepDraft[];
  readonly upstream_calls: number;
}

function subjectOf(step: PlanStep): string {
  switch (step.tool) {
    case "metrics":
      return step.query.metric;
    case "logs":
      return `logs ${step.filter}`;
    default:
      return step.tool;
  }
}

async function runStep(
  source: MetricsSource,
  step: PlanStep,
  scope: ServiceScope,
  plan: Plan,
  signal: AbortSignal,
  metadataOf: (metric: string) => Promise<MetadataRead | undefined>,
) {
  switch (step.tool) {
    case "metrics": {
      const [read, history, metadata] = await Promise.all([
        source.queryMetrics(step.query, scope, plan.window, signal),
        readHistory(source, step.query, step.history ?? [], scope, plan, signal),
        metadataOf(step.query.metric),
      ]);
      const points = read.value.reduce((n, s) => n + s.points.length, 0);
      const told = history.read.length > 0 ? `; with ${history.read.join(" and ")} before` : "";
      const failed = history.error ? `; history unavailable (${history.error})` : "";
      const described = metadata ? `; ${metadata.note}` : "";
      const extra = history.upstream_calls + (metadata?.upstream_calls ?? 0);
      return {
        read: { ...read, upstream_calls: read.upstream_calls + extra },
        data: {
          series: read.value,
          ...(history.read.length > 0 ? { history: history.series } : {}),
          ...(history.error ? { history_error: history.error } : {}),
          ...(metadata?.metadata ? { metadata: metadata.metadata } : {}),
        },
        summary: `${read.value.length} series, ${points} points${told}${failed}${described}`,
      };
    }
    case "monitors": {
      const read = await source.monitors(scope, signal);
      const { monitors, excluded } = read.value;
      const alerting = monitors.filter((m) => m.state !== "OK").length;
      return {
        read,
        data: { monitors, ...(excluded.length > 0 ? { excluded } : {}) },
        summary: [`${monitors.length} monitor(s), ${alerting} not OK`, monitorExclusionText(excluded)]
          .filter(Boolean)
          .join("; "),
      };
    }
    case "events": {
      const read = await source.events(scope, plan.window, signal);
      const deploys = read.value.filter((e) => e.type === "deploy").length;
      return {
        read,
        data: { events: read.value },
        summary: `${read.value.length} event(s), ${deploys} deploy(s)`,
      };
    }
    case "logs": {
      const read = await source.logs(scope, plan.window, step.filter, signal);
      return {
        read,
        data: { logs: read.value },
        summary: `${read.value.total_errors} error log(s), ${read.value.top_messages.length} distinct message(s)`,
      };
    }
  }
}

/**
 * The same read a day and/or a week earlier (Datadog's timeshift functions): history to judge the
 * window against. A failure here never fails the step: the analysis then judges within the window.
 */
async function readHistory(
  source: MetricsSource,
  query: MetricQuery,
  shifts: readonly ("day" | "week")[],
  scope: ServiceScope,
  plan: Plan,
  signal: AbortSignal,
): Promise<{
  series: { day?: readonly Series[]; week?: readonly Series[] };
  read: string[];
  upstream_calls: number;
  error?: string;
}> {
  const series: { day?: readonly Series[]; week?: readonly Series[] } = {};
  const read: string[] = [];
  let upstream = 0;
  let error: string | undefined;
  await Promise.all(
    shifts.map(async (shift) => {
      try {
        const got = await source.queryMetrics({ ...query, shift }, scope, plan.window, signal);
        upstream += got.upstream_calls;
        if (got.value.some((s) => s.points.some(([, v]) => v !== null))) {
          series[shift] = got.value;
          read.push(`a ${shift}`);
        }
      } catch (e) {
        if (signal.aborted) throw abortError(signal);
        error = describeError(e);
      }
    }),
  );
  return { series, read, upstream_calls: upstream, ...(error ? { error } : {}) };
}

/**
 * Execution: runs the plan's reads in parallel (bounded). A failing read degrades the evidence —
 * it is recorded with its error and the answer says what is missing — it does not fail the job.
 */
export async function executePlan(
  deps: ExecuteDeps,
  plan: Plan,
  scope: ServiceScope,
  signal: AbortSignal,
): Promise<ExecuteOutcome> {
  const first = await readPlan(deps, plan, scope, signal);
  // A window the service chose that the evidence shows too short is read again, wider, once.
  const wider = widerWindow(plan, first.evidence);
  if (!wider) return first;
  const t = startStep(deps.now);
  const widened: StepDraft = {
    kind: "tool",
    name: "window",
    started_at: t.startedAt,
    duration_ms: 0,
    status: "ok",
    summary: `window widened to the ${wider.label}`,
  };
  deps.onStep?.(widened);
  const second = await readPlan(deps, { ...plan, window: wider }, scope, signal);
  return {
    evidence: second.evidence,
    steps: [...first.steps, widened, ...second.steps],
    upstream_calls: first.upstream_calls + second.upstream_calls,
  };
}

/** The plan's reads, in parallel (up to `deps.concurrency` at once), over the plan's window. */
async function readPlan(
  deps: ExecuteDeps,
  plan: Plan,
  scope: ServiceScope,
  signal: AbortSignal,
): Promise<ExecuteOutcome> {
  const results: ToolResult[] = new Array<ToolResult>(plan.steps.length);
  const steps: StepDraft[] = [];
  let upstream = 0;
  let next = 0;
  // Reads end at `readBy` at the latest; the job itself ends only with `signal`.
  const late = new AbortController();
  const lateTimer =
    deps.readBy === undefined
      ? undefined
      : setTimeout(
          () =>
            late.abort(
              new UpstreamError(
                "upstream_timeout",
                "not read in the time the job had for reading (a slow upstream, or its rate limit deferred the read); the answer goes on without it",
                false,
              ),
            ),
          Math.max(0, deps.readBy - deps.now()),
        );
  const reads = AbortSignal.any([signal, late.signal]);
  const metadataOf = metadataReader(deps.source, scope, reads);

  const run = async (index: number) => {
    if (signal.aborted) throw new Cancelled();
    const step = plan.steps[index];
    if (!step) return;
    const t = startStep(deps.now);
    const name = step.tool === "metrics" ? `metrics:${step.query.metric}` : step.tool;
    try {
      const { read, data, summary } = await runStep(deps.source, step, scope, plan, reads, metadataOf);
      const cacheInfo = (read as SourceRead<unknown>).cache;
      upstream += read.upstream_calls;
      results[index] = {
        step_id: step.id,
        tool: step.tool,
        status: "ok",
        duration_ms: t.elapsed(),
        upstream_calls: read.upstream_calls,
        ...(cacheInfo ? { cache: cacheInfo } : {}),
        ...data,
      } as ToolResult;
      const draft: StepDraft = {
        kind: "tool",
        name,
        started_at: t.startedAt,
        duration_ms: t.elapsed(),
        status: "ok",
        ...(cacheInfo ? { cache: cacheInfo } : {}),
        summary,
      };
      steps.push(draft);
      deps.onStep?.(draft);
    } catch (error) {
      if (signal.aborted) throw new Cancelled();
      const code = error instanceof AppError ? error.code : "upstream_error";
      const message = describeError(error);
      results[index] = {
        step_id: step.id,
        tool: step.tool,
        status: "error",
        duration_ms: t.elapsed(),
        upstream_calls: 0,
        error: { code, message },
        subject: subjectOf(step),
      };
      const draft: StepDraft = {
        kind: "tool",
        name,
        started_at: t.startedAt,
        duration_ms: t.elapsed(),
        status: "error",
        summary: `could not read ${subjectOf(step)}; the answer continues without it`,
        error: `${code}: ${message}`,
      };
      steps.push(draft);
      deps.onStep?.(draft);
    }
  };
  // A batching source sends the metric reads started together as one request: start them at once.
  const together = deps.source.batchesMetricQueries === true;
  const all = plan.steps.map((_, i) => i);
  const atOnce = together ? all.filter((i) => plan.steps[i]?.tool === "metrics") : [];
  const bounded = together ? all.filter((i) => plan.steps[i]?.tool !== "metrics") : all;
  const worker = async () => {
    while (next < bounded.length) {
      const index = bounded[next++];
      if (index !== undefined) await run(index);
    }
  };
  try {
    await Promise.all([
      ...atOnce.map(run),
      ...Array.from({ length: Math.max(1, Math.min(deps.concurrency, bounded.length)) }, worker),
    ]);
  } finally {
    clearTimeout(lateTimer);
  }

  return {
    evidence: { window: plan.window, results: results.filter(Boolean), data_source: deps.source.id },
    steps,
    upstream_calls: upstream,
  };
}
