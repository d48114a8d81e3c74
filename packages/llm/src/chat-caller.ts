import OpenAI from "openai";
import { abortError } from "./abort-error.js";
import { describeLlmError } from "./describe-llm-error.js";

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
  readonly tokens?: { readonly prompt: number; readonly completion: number };
}

/** What one API call produced. */
export type ChatCallResult = CallMeta &
  (
    | { readonly kind: "content"; readonly content: string }
    | { readonly kind: "refusal"; readonly message: string }
    | { readonly kind: "truncated" }
    | { readonly kind: "failed"; readonly error: string }
  );

const OPENAI_BASE_URL = "https://api.openai.com/v1";

/** The default limit parameter for a base URL: OpenAI's own API or a compatible server. */
export function defaultTokenLimitParam(baseUrl: string | undefined): TokenLimitParam {
  return baseUrl === undefined || new URL(baseUrl).hostname === "api.openai.com"
    ? "max_completion_tokens"
    : "max_tokens";
}

/**
 * Calls the Chat Completions API for structured replies. The SDK retries 429 and 5xx itself
 * (honouring `retry-after-ms` and `retry-after`) up to `maxRetries`, each attempt bounded by
 * `timeoutMs`; the caller's signal aborts all of it.
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
    this.limit = options.tokenLimitParam ?? defaultTokenLimitParam(options.baseUrl);
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
          temperature: this.options.temperature,
          ...limit,
          response_format: {
            type: "json_schema",
            json_schema: { name: request.schemaName, strict: true, schema: { ...request.schema } },
          },
        },
        { signal },
      );
      const usage = completion.usage;
      const meta: CallMeta = {
        startedAt,
        durationMs: this.now() - t0,
        ...(usage ? { tokens: { prompt: usage.prompt_tokens, completion: usage.completion_tokens } } : {}),
      };
      const choice = completion.choices[0];
      if (!choice) return { ...meta, kind: "failed", error: "the reply has no choices" };
      if (choice.message.refusal)
        return { ...meta, kind: "refusal", message: choice.message.refusal.slice(0, 300) };
      if (choice.finish_reason === "content_filter")
        return { ...meta, kind: "refusal", message: "content filter" };
      if (choice.finish_reason === "length") return { ...meta, kind: "truncated" };
      return { ...meta, kind: "content", content: choice.message.content ?? "" };
    } catch (error) {
      if (signal.aborted) throw abortError(signal);
      return {
        startedAt,
        durationMs: this.now() - t0,
        kind: "failed",
        error: describeLlmError(error, [this.options.apiKey]),
      };
    }
  }
}
