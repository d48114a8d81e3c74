import { z } from "zod";
import { renderMetricQuery, renderQuestion, sleep, type Scenario } from "@orch/core";
import type { EvalStack } from "./eval-stack.js";
import type { ScoredFinding } from "./score-scenario.js";

const findingSchema = z
  .object({
    id: z.string(),
    category: z.string(),
    severity: z.enum(["critical", "warning", "info"]),
    metric: z.string(),
    window: z.object({ start: z.number(), end: z.number() }),
    related: z.array(z.string()).optional(),
    caused_by: z.array(z.string()).optional(),
    explains: z.array(z.string()).optional(),
    state: z.string().optional(),
  })
  .loose();

const viewSchema = z
  .object({
    job_id: z.string(),
    status: z.string(),
    result: z
      .object({
        findings: z.array(findingSchema),
        answer_markdown: z.string(),
        window: z.object({ start: z.string(), end: z.string() }).loose(),
      })
      .loose()
      .nullable()
      .optional(),
    error: z
      .object({ code: z.string().optional(), message: z.string().optional() })
      .loose()
      .nullable()
      .optional(),
  })
  .loose();

const planStepSchema = z
  .object({
    tool: z.string(),
    query: z
      .object({
        metric: z.string(),
        aggregator: z.enum(["avg", "sum", "max", "min"]),
        by: z.array(z.string()),
        as_count: z.boolean(),
      })
      .optional(),
    filter: z.string().optional(),
  })
  .loose();

const traceSchema = z
  .object({
    plan: z
      .object({
        intent: z.string(),
        source: z.string(),
        window: z.object({ label: z.string() }).loose(),
        steps: z.array(planStepSchema),
        coverage: z
          .object({ concepts: z.array(z.string()), unmatched: z.array(z.string()) })
          .loose()
          .optional(),
      })
      .loose()
      .nullable(),
    available_metrics: z.array(z.string()).default([]),
    unread_metrics: z.array(z.string()).default([]),
  })
  .loose();

const TERMINAL = new Set(["completed", "failed", "cancelled"]);

/** What a job planned, from its trace: the reads with their queries, and what it left unread. */
export interface RunPlan {
  readonly source: string;
  readonly intent: string;
  readonly window: string;
  /** Each read as its query ("avg:redis.mem.used{service:x}") or tool ("monitors", "logs status:error"). */
  readonly reads: readonly string[];
  /** The metrics the service reports that the plan did not read. */
  readonly unread: readonly string[];
  readonly available: number;
  /** What the planner understood the question to name, and what of it no metric speaks of. */
  readonly concepts?: readonly string[];
  readonly unmatched?: readonly string[];
}

/** One scenario's job as the API answered it. */
export interface JobOutcome {
  readonly jobId?: string;
  /** The question as submitted (time placeholders filled in). */
  readonly question: string;
  readonly findings?: readonly ScoredFinding[];
  readonly answer?: string;
  readonly window?: { readonly start: number; readonly end: number };
  readonly plan?: RunPlan;
  readonly error?: string;
}

/** The job's plan from GET /jobs/:id/trace; undefined when the trace has none. */
async function readPlan(stack: EvalStack, jobId: string, service: string): Promise<RunPlan | undefined> {
  const response = await stack.get(`/jobs/${jobId}/trace`);
  if (response.status !== 200) return undefined;
  const trace = traceSchema.parse(await response.json());
  if (!trace.plan) return undefined;
  const { plan } = trace;
  return {
    source: plan.source,
    intent: plan.intent,
    window: plan.window.label,
    reads: plan.steps.map((step) =>
      step.query
        ? renderMetricQuery(step.query, `service:${service}`)
        : step.tool === "logs" && step.filter
          ? `logs ${step.filter}`
          : step.tool,
    ),
    unread: trace.unread_metrics,
    available: trace.available_metrics.length,
    ...(plan.coverage ? { concepts: plan.coverage.concepts, unmatched: plan.coverage.unmatched } : {}),
  };
}

/** How long a 429 or 503 asks a client to wait: `retry_after_seconds` of the problem, else `Retry-After`. */
async function retryDelayMs(response: Response): Promise<number> {
  const body = (await response.json().catch(() => ({}))) as { retry_after_seconds?: unknown };
  const header = Number(response.headers.get("retry-after"));
  const seconds =
    typeof body.retry_after_seconds === "number"
      ? body.retry_after_seconds
      : Number.isFinite(header)
        ? header
        : 1;
  return Math.min(5_000, Math.max(100, seconds * 1000));
}

/** POST /jobs as a client should: a 429 or 503 (the API briefly unable to take jobs) is retried after its hint. */
async function submitJob(stack: EvalStack, body: unknown): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const response = await stack.post("/jobs", body);
    if ((response.status !== 429 && response.status !== 503) || attempt >= 5) return response;
    const wait = await retryDelayMs(response);
    await sleep(wait);
  }
}

/**
 * Submits a scenario's question as a client would, waits for the job to end (long-waits), and
 * reads its answer, findings and window, and its plan from the trace.
 */
export async function runJob(
  stack: EvalStack,
  scenario: Scenario,
  options: { readonly offline: boolean; readonly timeoutMs: number },
  anchor: number,
): Promise<JobOutcome> {
  const question = renderQuestion(scenario.question, anchor);
  // timeframe: null leaves the window to the planner, as a user who names none would.
  const timeframe = scenario.timeframe === null ? {} : { timeframe: scenario.window };
  const submitted = await submitJob(stack, {
    service_id: scenario.service,
    user_message: question,
    options: { ...timeframe, ...(options.offline ? { reasoner: "offline" } : {}) },
  });
  if (submitted.status !== 202)
    return { question, error: `POST /jobs answered ${submitted.status}: ${await submitted.text()}` };
  const { job_id: jobId } = z.object({ job_id: z.string() }).parse(await submitted.json());
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const wait = Math.max(1, Math.min(30, Math.ceil((deadline - Date.now()) / 1000)));
    const response = await stack.get(`/jobs/${jobId}?wait=${wait}`);
    if (response.status !== 200)
      return { jobId, question, error: `GET /jobs/${jobId} answered ${response.status}` };
    const view = viewSchema.parse(await response.json());
    if (view.status === "completed" && view.result) {
      const { findings, answer_markdown: answer, window } = view.result;
      const plan = await readPlan(stack, jobId, scenario.service);
      return {
        jobId,
        question,
        findings,
        ...(plan ? { plan } : {}),
        answer,
        window: { start: Date.parse(window.start), end: Date.parse(window.end) },
      };
    }
    if (TERMINAL.has(view.status)) {
      const plan = await readPlan(stack, jobId, scenario.service);
      return {
        jobId,
        question,
        ...(plan ? { plan } : {}),
        error: `job ${view.status}: ${view.error?.message ?? view.error?.code ?? "no result"}`,
      };
    }
    if (Date.now() > deadline)
      return { jobId, question, error: `job still ${view.status} after the timeout` };
  }
}
