import type { Config } from "@orch/config";
import {
  composeOfflineAnswer,
  describeError,
  formatContext,
  formatDrillContext,
  planOffline,
  type Answer,
  type AnswerInput,
  type Plan,
  type PlanInput,
  type Reasoned,
  type Reasoner,
  type StepDraft,
  type DrillMenuInput,
  type DrillOption,
  directAnswerWithWhere,
} from "@orch/core";
import { checkDrillReply, drillJsonSchema, optionText } from "./drill-output.js";
import { abortError } from "./abort-error.js";
import { ANSWER_JSON_SCHEMA, checkAnswerReply } from "./answer-output.js";
import { ChatCaller, type ChatMessage, type TokenLimitParam } from "./chat-caller.js";
import { boundedHistory } from "./conversation-history.js";
import { causalChain, groundAnswer, keepChain } from "./grounded-answer.js";
import { metricMenu } from "./metric-menu.js";
import { checkPlanReply, PLAN_JSON_SCHEMA } from "./plan-output.js";
import { describeSteps, topUpPlan } from "./plan-top-up.js";
import { PromptLibrary, renderPrompt, type PromptTemplate } from "./prompt-template.js";
import { requestStructured } from "./structured-reply.js";
import {
  ANSWER_TIME_SHARE,
  DRILL_TIME_SHARE,
  budgetMs,
  PLAN_TIME_SHARE,
  TimeBudget,
  type DeadlineHint,
} from "./time-budget.js";
import { loadTokenCounter } from "./token-counter.js";
import { priceOf } from "./model-price.js";

export interface OpenAIReasonerOptions {
  readonly apiKey: string;
  /** An OpenAI-compatible server (OPENAI_BASE_URL); default OpenAI's API. */
  readonly baseUrl?: string;
  readonly llm: Config["llm"];
  /** Default: `max_completion_tokens` for OpenAI's API, `max_tokens` for other servers. */
  readonly tokenLimitParam?: TokenLimitParam;
  /**
   * The job deadline's length (orchestrator.job_deadline_seconds): model calls get a share of
   * it when an input carries no `deadline_ms` of its own. No time budget when neither is known.
   */
  readonly jobDeadlineMs?: number;
  readonly now?: () => number;
}

/** An analysis step of the trace, timed from `t0`. */
function noteStep(name: string, t0: number, now: number, summary: string): StepDraft {
  return {
    kind: "analysis",
    name,
    started_at: new Date(t0).toISOString(),
    duration_ms: now - t0,
    status: "ok",
    summary: summary.slice(0, 600),
  };
}

const seconds = (ms: number | undefined): string => `${((ms ?? 0) / 1000).toFixed(1)} s`;

/** System prompt, earlier conversation, then the question: both prompt parts rendered with `values`. */
function messagesOf(
  prompt: PromptTemplate,
  values: Readonly<Record<string, string | number>>,
  history: ChatMessage[],
): ChatMessage[] {
  return [
    ...(prompt.system ? [{ role: "system" as const, content: renderPrompt(prompt.system, values) }] : []),
    ...history,
    { role: "user", content: renderPrompt(prompt.user, values) },
  ];
}

/**
 * The reasoner on a model behind the Chat Completions API: structured outputs for the plan and
 * the answer, checked again with zod, one repair request, and the offline reasoner's result
 * (with the reason in the trace) whenever the model cannot give a usable one — in time: the
 * calls get a share of the job's remaining time, so a slow model never fails the job.
 */
export class OpenAIReasoner implements Reasoner {
  readonly id: string;
  private readonly caller: ChatCaller;
  private readonly prompts = new PromptLibrary();
  private readonly now: () => number;

  constructor(private readonly options: OpenAIReasonerOptions) {
    this.id = `openai:${options.llm.model}`;
    this.now = options.now ?? Date.now;
    const price = priceOf(options.llm.model, options.llm.prices);
    this.caller = new ChatCaller({
      apiKey: options.apiKey,
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      model: options.llm.model,
      temperature: options.llm.temperature,
      maxTokens: options.llm.max_tokens,
      timeoutMs: options.llm.timeout_ms,
      maxRetries: options.llm.max_retries,
      ...(options.tokenLimitParam ? { tokenLimitParam: options.tokenLimitParam } : {}),
      ...(price ? { price } : {}),
      now: this.now,
    });
  }

  private budget(share: number, input: DeadlineHint, signal: AbortSignal): TimeBudget {
    return new TimeBudget(budgetMs(share, this.now(), input.deadline_ms, this.options.jobDeadlineMs), signal);
  }

  async plan(input: PlanInput & DeadlineHint, signal: AbortSignal): Promise<Reasoned<Plan>> {
    const steps: StepDraft[] = [];
    let failure: string;
    const budget = this.budget(PLAN_TIME_SHARE, input, signal);
    try {
      const [prompt, repair] = await Promise.all([
        this.prompts.get("planning.v1"),
        this.prompts.get("repair.v1"),
      ]);
      const menu = metricMenu(input.available_metrics, input.question);
      const values = {
        service_id: input.scope.service_id,
        window: input.window.label,
        question: input.question,
        metric_summary: menu.summary,
        metrics: menu.text,
        max_steps: input.max_steps,
      };
      const outcome = await requestStructured(
        this.caller,
        {
          name: "llm.plan",
          prompt: prompt.name,
          messages: messagesOf(
            prompt,
            values,
            boundedHistory(input.history, input.question, this.options.llm.history_messages),
          ),
          schemaName: "plan",
          schema: PLAN_JSON_SCHEMA,
          check: (content) => checkPlanReply(content, input),
          describe: (p) =>
            `${p.steps.length} step(s), intent ${p.intent}` +
            (p.dropped.length > 0
              ? `; dropped step(s) naming metric(s) the service does not report: ${p.dropped.join(", ")}`
              : ""),
          repair,
        },
        budget.signal,
      );
      if (signal.aborted) throw abortError(signal);
      steps.push(...outcome.steps);
      if (outcome.value) {
        const { intent, rationale, steps: planSteps } = outcome.value;
        const t0 = this.now();
        const topped = topUpPlan(planSteps, planOffline(input), input.question, input.max_steps);
        if (topped.added.length > 0) {
          steps.push(
            noteStep(
              "plan.top_up",
              t0,
              this.now(),
              `added ${topped.added.length} step(s) from the offline plan for what the question needs and the model left out: ${describeSteps(topped.added)}`,
            ),
          );
        }
        return {
          value: { intent, window: input.window, steps: topped.steps, rationale, source: "llm" },
          steps,
        };
      }
      failure =
        outcome.stopped && budget.expired
          ? `the model did not answer within its time budget (${seconds(budget.ms)}, a share of the job's remaining time)`
          : (outcome.failure ?? "no usable plan");
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      failure = `planning failed (${describeError(error)})`;
    } finally {
      budget.clear();
    }
    const t0 = this.now();
    const plan = planOffline(input);
    steps.push(
      noteStep(
        "plan.fallback",
        t0,
        this.now(),
        `offline plan used (${plan.steps.length} step(s)) because ${failure}`,
      ),
    );
    return { value: { ...plan, source: "fallback" }, steps };
  }

  /** Picks drill-downs from the menu with a structured output; undefined when the model could not. */
  async pickDrillDowns(
    input: DrillMenuInput,
    signal: AbortSignal,
  ): Promise<Reasoned<readonly DrillOption[] | undefined>> {
    const budget = this.budget(DRILL_TIME_SHARE, input, signal);
    try {
      const [prompt, repair] = await Promise.all([
        this.prompts.get("drill-down.v1"),
        this.prompts.get("repair.v1"),
      ]);
      const values = {
        service_id: input.scope.service_id,
        question: input.question,
        limit: input.limit,
        findings:
          input.findings.length > 0
            ? input.findings
                .slice(0, 6)
                .map((f) => `- ${f.id} ${f.category} on ${f.metric}: ${f.summary}`)
                .join("\n")
            : "- none: the question asks where, not what",
        menu: input.menu.map((o) => `- ${optionText(o)} (${o.breakdown})`).join("\n"),
      };
      const outcome = await requestStructured(
        this.caller,
        {
          name: "llm.drill_down",
          prompt: prompt.name,
          messages: messagesOf(prompt, values, []),
          schemaName: "drill_down",
          schema: drillJsonSchema(input.menu, input.limit),
          check: (content) => checkDrillReply(content, input.menu, input.limit),
          describe: (r) => `${r.picks.length} pick(s): ${r.picks.map(optionText).join(", ")}`,
          repair,
        },
        budget.signal,
      );
      if (signal.aborted) throw abortError(signal);
      return { value: outcome.value?.picks, steps: outcome.steps };
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      const t0 = this.now();
      return {
        value: undefined,
        steps: [noteStep("drill_down.fallback", t0, t0, `rules pick: ${describeError(error)}`)],
      };
    } finally {
      budget.clear();
    }
  }

  async answer(input: AnswerInput & DeadlineHint, signal: AbortSignal): Promise<Reasoned<Answer>> {
    const steps: StepDraft[] = [];
    let failure: string;
    const budget = this.budget(ANSWER_TIME_SHARE, input, signal);
    try {
      const [prompt, repair, countTokens] = await Promise.all([
        this.prompts.get("answer.v2"),
        this.prompts.get("repair.v1"),
        loadTokenCounter(),
      ]);
      const tokenBudget = this.options.llm.context_token_budget;
      const context = formatContext({
        question: input.question,
        analysis: input.analysis,
        evidence: input.evidence,
        budgetTokens: tokenBudget,
        countTokens,
      });
      const { analysis } = input;
      // The rounds' grouped reads have a budget of their own: they never crowd the findings out.
      const drill = formatDrillContext(
        analysis.drill,
        this.options.llm.round_context_token_budget,
        countTokens,
      );
      const direct = directAnswerWithWhere(input);
      const values = {
        direct_answer: direct.text,
        causal_chain: causalChain(analysis.findings),
        service_id: input.scope.service_id,
        question: input.question,
        rationale: input.plan.rationale.slice(0, 600),
        finding_ids: analysis.findings.length > 0 ? analysis.findings.map((f) => f.id).join(", ") : "none",
        missing: analysis.missing.length > 0 ? analysis.missing.join("; ") : "none",
        coverage: `${Math.round(analysis.coverage * 100)}%`,
        context: drill.text ? `${context.text}\n${drill.text}` : context.text,
      };
      const contextNote =
        `context ${context.tokens}/${tokenBudget} tokens${context.truncated ? " (truncated)" : ""}` +
        (drill.text
          ? `, drill-down ${drill.tokens}/${this.options.llm.round_context_token_budget}${drill.truncated ? " (truncated)" : ""}`
          : "");
      const outcome = await requestStructured(
        this.caller,
        {
          name: "llm.answer",
          prompt: prompt.name,
          messages: messagesOf(
            prompt,
            values,
            boundedHistory(input.history, input.question, this.options.llm.history_messages),
          ),
          schemaName: "answer",
          schema: ANSWER_JSON_SCHEMA,
          check: checkAnswerReply,
          describe: (a) =>
            `${contextNote}; ${a.findings_used.length} finding(s) cited, model confidence ${a.confidence}`,
          repair,
        },
        budget.signal,
      );
      if (signal.aborted) throw abortError(signal);
      steps.push(...outcome.steps);
      if (outcome.value) {
        const t0 = this.now();
        const grounded = keepChain(groundAnswer(outcome.value, analysis), direct, analysis.findings);
        const unknown =
          grounded.unknownIds.length > 0
            ? `; dropped unknown finding id(s) ${grounded.unknownIds.join(", ")}`
            : "";
        steps.push({
          kind: "analysis",
          name: "answer.grounding",
          started_at: new Date(t0).toISOString(),
          duration_ms: this.now() - t0,
          status: "ok",
          summary: `confidence ${grounded.answer.confidence} (model ${outcome.value.confidence}, data ${grounded.grounded})${unknown}`,
        });
        if (grounded.chainNote)
          steps.push(noteStep("answer.chain_check", t0, this.now(), grounded.chainNote));
        return { value: grounded.answer, steps };
      }
      failure =
        outcome.stopped && budget.expired
          ? `the model did not answer within its time budget (${seconds(budget.ms)}, a share of the job's remaining time)`
          : (outcome.failure ?? "no usable answer");
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      failure = `answering failed (${describeError(error)})`;
    } finally {
      budget.clear();
    }
    const t0 = this.now();
    const answer = composeOfflineAnswer(input);
    steps.push(noteStep("answer.fallback", t0, this.now(), `offline answer used because ${failure}`));
    return { value: answer, steps };
  }
}
