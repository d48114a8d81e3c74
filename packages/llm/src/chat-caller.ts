import OpenAI from "openai";
import type { ModelPrice } from "@orch/config";
import { describeLlmError } from "./describe-llm-error.js";
import { callCost, type CallTokens } from "./model-price.js";

/** A chat message as we send it. */
export interface ChatMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

/**
 * How the completion limit is sent. OpenAI's own API wants `max_completion_tokens` (its
 * reasoning models reject `max_tokens`); most compatible servers (vLLM, Ollama, llama.cpp,
 * LM Studio) read `max_tokens`.
 */
export type TokenLimitParam = "max_tokens" | "max_completion_tokens";

export interface ChatCallerOptions {
  readonly apiKey: string;
  /** Base URL of an OpenAI-compatible server, e.g. http://localhost:11434/v1; default OpenAI's. */
  readonly baseUrl?: string;
  readonly model: string;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly tokenLimitParam?: TokenLimitParam;
  /** The model's price (llm.prices); without one, calls carry tokens but no cost. */
  readonly price?: ModelPrice;
  readonly now?: () => number;
}

export interface ChatCallRequest {
  readonly messages: readonly ChatMessage[];
  /** The name and JSON schema of the structured reply. */
  readonly schemaName: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

interface CallMeta {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly tokens?: CallTokens;
  readonly costUsd?: number;
}

/** What one API call produced. */
export type ChatCallResult = CallMeta &
  (
    | { readonly kind: "content"; readonly content: string }
    | { readonly kind: "refusal"; readonly message: string }
    | { readonly kind: "truncated" }
    | { readonly kind: "failed"; readonly error: string }
    /** The signal aborted (the caller's, or a time budget under it) before the reply. */
    | { readonly kind: "stopped" }
  );

const OPENAI_BASE_URL = "https://api.openai.com/v1";

/**
 * Whether a model is one of OpenAI's reasoning models (o1, o3, o4-mini, gpt-5…), which reject
 * `temperature` and `max_tokens`. Gateways prefix names ("openai/o3-mini"); the chat variants
 * of gpt-5 are not reasoning models.
 */
export function isReasoningModel(model: string): boolean {
  const name = (model.split("/").pop() ?? model).toLowerCase();
  if (/^gpt-5(\.\d+)?-chat/.test(name)) return false;
  return /^(o\d+)(-|$)/.test(name) || /^gpt-5(\.\d+)?(-|$)/.test(name);
}

/** The default limit parameter for a base URL and model: OpenAI's own API or a compatible server. */
export function defaultTokenLimitParam(baseUrl: string | undefined, model = ""): TokenLimitParam {
  return baseUrl === undefined || new URL(baseUrl).hostname === "api.openai.com" || isReasoningModel(model)
    ? "max_completion_tokens"
    : "max_tokens";
}

const count = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;

/**
 * Token counts of a reply's `usage`, when it has any: servers omit it, or send only some
 * fields; a missing one counts 0, and no usage at all records no tokens (never NaN).
 */
export function tokensOf(usage: unknown): CallTokens | undefined {
  if (typeof usage !== "object" || usage === null) return undefined;
  const u = usage as Record<string, unknown>;
  const prompt = count(u.prompt_tokens) ?? count(u.input_tokens);
  const completion = count(u.completion_tokens) ?? count(u.output_tokens);
  if (prompt === undefined && completion === undefined) return undefined;
  const details = (u.prompt_tokens_details ?? u.input_tokens_details) as Record<string, unknown> | undefined;
  const cached = typeof details === "object" && details !== null ? count(details.cached_tokens) : undefined;
  return { prompt: prompt ?? 0, completion: completion ?? 0, ...(cached ? { cached_prompt: cached } : {}) };
}

/** The JSON a model put in a function call instead of the content (some servers answer so). */
function toolArguments(message: { tool_calls?: ReadonlyArray<unknown> | null }): string | undefined {
  for (const call of message.tool_calls ?? []) {
    if (typeof call !== "object" || call === null || !("function" in call)) continue;
    const args = (call as { function?: { arguments?: unknown } }).function?.arguments;
    if (typeof args === "string" && args.trim().length > 0) return args;
  }
  return undefined;
}

/**
 * Calls the Chat Completions API for structured replies. The SDK retries 429 and 5xx itself
 * (honouring `retry-after-ms` and `retry-after`) up to `maxRetries`, each attempt bounded by
 * `timeoutMs`; the caller's signal aborts all of it (the call then ends as "stopped").
 */
export class ChatCaller {
  private readonly client: OpenAI;
  private readonly limit: TokenLimitParam;
  private readonly now: () => number;

  constructor(private readonly options: ChatCallerOptions) {
    this.client = new OpenAI({
      apiKey: options.apiKey,
      // Explicit values: the SDK would otherwise read OPENAI_BASE_URL and friends from the environment.
      baseURL: options.baseUrl ?? OPENAI_BASE_URL,
      organization: null,
      project: null,
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries,
    });
    this.limit = options.tokenLimitParam ?? defaultTokenLimitParam(options.baseUrl, options.model);
    this.now = options.now ?? Date.now;
  }

  async call(request: ChatCallRequest, signal: AbortSignal): Promise<ChatCallResult> {
    const t0 = this.now();
    const startedAt = new Date(t0).toISOString();
    const limit =
      this.limit === "max_tokens"
        ? { max_tokens: this.options.maxTokens }
        : { max_completion_tokens: this.options.maxTokens };
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.options.model,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          // Reasoning models reject any temperature but their default.
          ...(isReasoningModel(this.options.model) ? {} : { temperature: this.options.temperature }),
          ...limit,
          response_format: {
            type: "json_schema",
            json_schema: { name: request.schemaName, strict: true, schema: { ...request.schema } },
          },
        },
        { signal },
      );
      const tokens = tokensOf(completion.usage);
      const price = this.options.price;
      const meta: CallMeta = {
        startedAt,
        durationMs: this.now() - t0,
        ...(tokens ? { tokens } : {}),
        ...(tokens && price ? { costUsd: callCost(tokens, price) } : {}),
      };
      const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
      if (!choice?.message) return { ...meta, kind: "failed", error: "the reply has no choices" };
      if (choice.message.refusal)
        return { ...meta, kind: "refusal", message: choice.message.refusal.slice(0, 300) };
      if (choice.finish_reason === "content_filter")
        return { ...meta, kind: "refusal", message: "content filter" };
      if (choice.finish_reason === "length") return { ...meta, kind: "truncated" };
      const content = choice.message.content;
      if (typeof content === "string" && content.trim().length > 0)
        return { ...meta, kind: "content", content };
      // A server that answers structured output with a function call: its arguments are the reply.
      return { ...meta, kind: "content", content: toolArguments(choice.message) ?? "" };
    } catch (error) {
      if (signal.aborted) return { startedAt, durationMs: this.now() - t0, kind: "stopped" };
      return {
        startedAt,
        durationMs: this.now() - t0,
        kind: "failed",
        error: describeLlmError(error, [this.options.apiKey]),
      };
    }
  }
}
