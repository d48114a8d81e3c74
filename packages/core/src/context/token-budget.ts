/** Counts the tokens of a text with a real tokenizer (the llm package passes gpt-tokenizer's o200k). */
export type TokenCounter = (text: string) => number;

/**
 * Spends a token budget line by line. The formatter re-counts the joined text at the end, since
 * a few tokens can merge across line breaks.
 */
export class TokenBudget {
  private spent = 0;

  constructor(
    readonly limit: number,
    private readonly count: TokenCounter,
  ) {}

  get used(): number {
    return this.spent;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.spent);
  }

  /** Tokens of `lines` as they will appear in the text, one per line. */
  cost(lines: readonly string[]): number {
    return lines.reduce((sum, line) => sum + this.count(`${line}\n`), 0);
  }

  /** Spends the cost of `lines` if it fits within `cap` (default: the whole remaining budget). */
  tryTake(lines: readonly string[], cap = this.remaining): boolean {
    const cost = this.cost(lines);
    if (cost > Math.min(cap, this.remaining)) return false;
    this.spent += cost;
    return true;
  }
}
