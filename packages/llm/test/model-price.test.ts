import { describe, expect, it } from "vitest";
import { callCost, priceOf, tokensOf } from "../src/index.js";

describe("model prices", () => {
  const prices = {
    "gpt-4o": { prompt: 2.5, cached_prompt: 1.25, completion: 10 },
    local: { prompt: 1, completion: 2 },
  };

  it("prices uncached prompt, cached prompt and completion tokens at their own rates", () => {
    const tokens = tokensOf({
      prompt_tokens: 1000,
      completion_tokens: 200,
      prompt_tokens_details: { cached_tokens: 400 },
    });
    expect(tokens).toEqual({ prompt: 1000, completion: 200, cached_prompt: 400 });
    expect(callCost(tokens!, prices["gpt-4o"])).toBeCloseTo((600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6, 12);
  });

  it("charges cached tokens the prompt price when the table has no cached price", () => {
    expect(callCost({ prompt: 100, completion: 0, cached_prompt: 100 }, prices.local)).toBeCloseTo(
      100 / 1e6,
      12,
    );
  });

  it("finds a model by its exact name or behind a gateway prefix, never by a similar name", () => {
    expect(priceOf("gpt-4o", prices)).toBe(prices["gpt-4o"]);
    expect(priceOf("openai/gpt-4o", prices)).toBe(prices["gpt-4o"]);
    expect(priceOf("gpt-4o-mini", prices)).toBeUndefined();
  });
});
