import type { TokenCounter } from "@orch/core";

let loading: Promise<TokenCounter> | undefined;

/**
 * The o200k tokenizer of the GPT-4o family, loaded on first use: its tables cost about 50 MB,
 * which a process that never formats a model's context (the API, an offline worker) should not pay.
 */
export function loadTokenCounter(): Promise<TokenCounter> {
  loading ??= import("gpt-tokenizer").then((m) => m.countTokens);
  return loading;
}
