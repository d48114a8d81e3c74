import type { DrillFindings } from "../drilldown/drill-down.js";
import { compactNumber } from "./compact-number.js";
import { TokenBudget, type TokenCounter } from "./token-budget.js";

export interface DrillContext {
  readonly text: string;
  readonly tokens: number;
  /** Localisations told; the rest did not fit. */
  readonly told: number;
  readonly truncated: boolean;
}

/**
 * What the drill-down rounds found, for a model, within a token budget of its own (so that the
 * rounds' grouped reads never crowd the first round's findings out of the prompt): each
 * localisation's statement, then its groups (already capped: the top ones plus "others"). Whole
 * localisations are dropped from the end when the budget runs out; their statements first.
 */
export function formatDrillContext(
  drill: DrillFindings | undefined,
  budgetTokens: number,
  countTokens: TokenCounter,
): DrillContext {
  if (!drill || (drill.localisations.length === 0 && drill.absent.length === 0))
    return { text: "", tokens: 0, told: 0, truncated: false };
  const budget = new TokenBudget(Math.max(0, Math.floor(budgetTokens)), countTokens);
  const title = `## Where (drill-down: ${drill.rounds} extra round(s) of grouped reads)`;
  if (!budget.tryTake([title])) return { text: "", tokens: 0, told: 0, truncated: true };
  const lines = [title];
  let told = 0;
  let truncated = false;
  for (const a of drill.absent) {
    const line = `- no ${a.breakdown} tag on ${a.metrics.join(", ")}: which ${a.breakdown} cannot be told`;
    if (budget.tryTake([line])) lines.push(line);
    else truncated = true;
  }
  for (const l of drill.localisations) {
    const head = `- ${l.metric} by ${l.key}: ${l.verdict}${l.culprit ? `, culprit ${l.culprit.value}` : ""}. ${l.statement}`;
    if (!budget.tryTake([head])) {
      truncated = true;
      break;
    }
    lines.push(head);
    told += 1;
    for (const g of l.groups) {
      const line = `  - ${g.value}: ${compactNumber(g.before)} → ${compactNumber(g.during)}, share ${Math.round(g.share * 100) / 100}${g.isNew ? ", new" : ""}`;
      if (!budget.tryTake([line])) {
        truncated = true;
        break;
      }
      lines.push(line);
    }
  }
  let text = lines.join("\n");
  let tokens = countTokens(text);
  while (tokens > budget.limit && lines.length > 1) {
    lines.pop();
    truncated = true;
    text = lines.join("\n");
    tokens = countTokens(text);
  }
  return { text, tokens, told, truncated };
}
