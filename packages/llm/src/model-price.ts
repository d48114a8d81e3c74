import type { ModelPrice } from "@orch/config";

/** Token counts of one model call. */
export interface CallTokens {
  readonly prompt: number;
  readonly completion: number;
  /** Of the prompt tokens, those the provider served from its prompt cache. */
  readonly cached_prompt?: number;
}

/**
 * The price of a model from llm.prices: its exact name, or the name after a gateway's prefix
 * ("openai/gpt-4o"). No guessing from similar names: gpt-4o's price is not gpt-4o-mini's.
 */
export function priceOf(model: string, prices: Readonly<Record<string, ModelPrice>>): ModelPrice | undefined {
  return prices[model] ?? prices[model.split("/").pop() ?? model];
}

/** What a call cost in USD: uncached prompt, cached prompt and completion tokens at their prices. */
export function callCost(tokens: CallTokens, price: ModelPrice): number {
  const cached = Math.min(tokens.cached_prompt ?? 0, tokens.prompt);
  const perToken = (usdPerMillion: number) => usdPerMillion / 1_000_000;
  return (
    (tokens.prompt - cached) * perToken(price.prompt) +
    cached * perToken(price.cached_prompt ?? price.prompt) +
    tokens.completion * perToken(price.completion)
  );
}
