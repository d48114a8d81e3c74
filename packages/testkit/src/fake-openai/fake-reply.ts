/** Token counts a reply reports; derived from the text when not given. */
export interface FakeUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
}

interface ReplyBase {
  /** Wait this long before answering (slow model, timeouts). */
  readonly delay_ms?: number;
  /** Token counts to report; those left out are counted with the o200k tokenizer. */
  readonly usage?: Partial<FakeUsage>;
  /** The `usage` object exactly as sent, overriding the counted one; null sends none (servers that omit it). */
  readonly wire_usage?: Readonly<Record<string, unknown>> | null;
}

/** What the fake answers to one request: scripted per test, or produced by a handler. */
export type FakeReply =
  | (ReplyBase & {
      readonly kind: "content";
      readonly content: string;
      readonly finish_reason?: "stop" | "length";
    })
  | (ReplyBase & { readonly kind: "refusal"; readonly refusal: string })
  | (ReplyBase & {
      readonly kind: "tool_calls";
      readonly calls: ReadonlyArray<{ readonly name: string; readonly arguments: string }>;
    })
  | (ReplyBase & {
      readonly kind: "error";
      readonly status: number;
      readonly message: string;
      readonly type: string;
      readonly code: string | null;
      readonly headers?: Readonly<Record<string, string>>;
    })
  /** Whatever the default handler would answer (to make it slow, say). */
  | (ReplyBase & { readonly kind: "default" });

/** A reply with its content decided. */
export type ConcreteReply = Exclude<FakeReply, { readonly kind: "default" }>;

/** Builders for scripted replies and faults. */
export const fakeReply = {
  /** A reply whose content is `value` as JSON. */
  json: (value: unknown, usage?: Partial<FakeUsage>): FakeReply => ({
    kind: "content",
    content: JSON.stringify(value),
    ...(usage ? { usage } : {}),
  }),
  text: (content: string): FakeReply => ({ kind: "content", content }),
  /** Content that is not JSON: a reply cut off mid-object. */
  invalidJson: (): FakeReply => ({
    kind: "content",
    content: '{"intent": "errors", "rationale": "look at the err',
  }),
  /** finish_reason "length": the reply hit the token limit. */
  truncated: (content = '{"answer_markdown": "The error rate rose sharply at'): FakeReply => ({
    kind: "content",
    content,
    finish_reason: "length",
  }),
  refusal: (refusal = "I'm sorry, I can't help with that request."): FakeReply => ({
    kind: "refusal",
    refusal,
  }),
  toolCalls: (...calls: Array<{ name: string; arguments: unknown }>): FakeReply => ({
    kind: "tool_calls",
    calls: calls.map((c) => ({
      name: c.name,
      arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments),
    })),
  }),
  /** 429 with `retry-after-ms` (the SDK waits that long, then retries). */
  rateLimited: (retryAfterMs = 20): FakeReply => ({
    kind: "error",
    status: 429,
    message: "Rate limit reached for requests. Please try again shortly.",
    type: "requests",
    code: "rate_limit_exceeded",
    headers: { "retry-after-ms": String(retryAfterMs), "x-ratelimit-remaining-requests": "0" },
  }),
  serverError: (status = 500, retryAfterMs?: number): FakeReply => ({
    kind: "error",
    status,
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    code: null,
    ...(retryAfterMs !== undefined ? { headers: { "retry-after-ms": String(retryAfterMs) } } : {}),
  }),
  error: (
    status: number,
    message: string,
    code: string | null = null,
    type = "invalid_request_error",
  ): FakeReply => ({
    kind: "error",
    status,
    message,
    type,
    code,
  }),
  /** `reply` with its `usage` sent exactly as given (null: no usage at all). */
  withWireUsage: (reply: FakeReply, usage: Readonly<Record<string, unknown>> | null): FakeReply => ({
    ...reply,
    wire_usage: usage,
  }),
  /** `reply` (default: the default handler's) after `delayMs`. */
  slow: (delayMs: number, reply: FakeReply = { kind: "default" }): FakeReply => ({
    ...reply,
    delay_ms: delayMs,
  }),
};
