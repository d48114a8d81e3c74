import type { StepDraft } from "@orch/core";
import type { ChatCaller, ChatCallResult, ChatMessage } from "./chat-caller.js";
import type { Checked } from "./json-reply.js";
import { renderPrompt, type PromptTemplate } from "./prompt-template.js";

export interface StructuredRequest<T> {
  /** Trace step name, e.g. "llm.plan"; the repair call is "<name>.repair". */
  readonly name: string;
  /** The prompt's name and version, e.g. "planning.v1", shown in each step's summary. */
  readonly prompt: string;
  readonly messages: readonly ChatMessage[];
  readonly schemaName: string;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly check: (content: string) => Checked<T>;
  /** A short description of an accepted value, for the step's summary. */
  readonly describe: (value: T) => string;
  readonly repair: PromptTemplate;
}

/** The accepted value, or why there is none, and one trace step per API call. */
export interface StructuredOutcome<T> {
  readonly value?: T;
  readonly failure?: string;
  /** The signal aborted before a reply: the caller decides whether that is a cancellation or a time budget. */
  readonly stopped?: boolean;
  readonly steps: readonly StepDraft[];
}

function step(
  name: string,
  result: ChatCallResult,
  status: "ok" | "error",
  summary: string,
  error?: string,
): StepDraft {
  return {
    kind: "llm",
    name,
    started_at: result.startedAt,
    duration_ms: result.durationMs,
    status,
    summary,
    ...(result.tokens ? { tokens: result.tokens } : {}),
    ...(result.costUsd !== undefined ? { cost_usd: result.costUsd } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

/**
 * Asks for a structured reply and checks it. A reply that is not valid JSON or breaks the
 * schema gets one repair request (the error sent back with the reply); a refusal, a reply cut
 * off at the token limit or a failed call (after the SDK's own retries) ends it at once.
 */
export async function requestStructured<T>(
  caller: ChatCaller,
  request: StructuredRequest<T>,
  signal: AbortSignal,
): Promise<StructuredOutcome<T>> {
  const steps: StepDraft[] = [];
  let messages = request.messages;
  for (let attempt = 0; attempt < 2; attempt++) {
    const name = attempt === 0 ? request.name : `${request.name}.repair`;
    const prompt = attempt === 0 ? request.prompt : `${request.prompt}+${request.repair.name}`;
    const result = await caller.call(
      { messages, schemaName: request.schemaName, schema: request.schema },
      signal,
    );
    if (result.kind === "stopped") {
      steps.push(step(name, result, "error", `${prompt}: stopped`, "stopped before the model replied"));
      return { failure: "the model did not reply in time", stopped: true, steps };
    }
    if (result.kind === "failed") {
      steps.push(step(name, result, "error", `${prompt}: the call failed`, result.error));
      return { failure: `the model call failed (${result.error})`, steps };
    }
    if (result.kind === "refusal") {
      steps.push(step(name, result, "error", `${prompt}: the model refused`, `refusal: ${result.message}`));
      return { failure: `the model refused (${result.message})`, steps };
    }
    if (result.kind === "truncated") {
      const error = "the reply was cut off at the token limit (finish_reason length)";
      steps.push(step(name, result, "error", `${prompt}: reply cut off`, error));
      return { failure: error, steps };
    }
    const checked = request.check(result.content);
    if (checked.ok) {
      steps.push(step(name, result, "ok", `${prompt}: ${request.describe(checked.value)}`));
      return { value: checked.value, steps };
    }
    steps.push(step(name, result, "error", `${prompt}: reply rejected`, checked.error.slice(0, 500)));
    if (attempt === 1)
      return { failure: `the reply was still invalid after one repair (${checked.error})`, steps };
    messages = [
      ...messages,
      { role: "assistant", content: result.content.slice(0, 8000) },
      { role: "user", content: renderPrompt(request.repair.user, { error: checked.error.slice(0, 1000) }) },
    ];
  }
  return { failure: "no reply", steps };
}
