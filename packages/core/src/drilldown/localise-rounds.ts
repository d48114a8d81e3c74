import { localise, type Localisation } from "../analysis/localise.js";
import type { DrillRound } from "./drill-down.js";

const VERDICT_RANK: Readonly<Record<Localisation["verdict"], number>> = {
  new_group: 0,
  concentrated: 1,
  outlier: 2,
  spread: 3,
};

/** Localises every grouped read of the rounds taken; those that name a culprit first. */
export function localiseRounds(rounds: readonly DrillRound[]): Localisation[] {
  const found: Localisation[] = [];
  for (const { plan, evidence } of rounds) {
    for (const target of plan.targets) {
      const result = evidence.results.find((r) => r.step_id === target.step_id);
      if (!result || result.status !== "ok" || result.tool !== "metrics") continue;
      const series = result.series.filter((s) => s.group.some((g) => g.startsWith(`${target.key}:`)));
      // The unit the source reported with the series, when the plan did not know it.
      const unit =
        target.unit ??
        series.find((s) => s.unit)?.unit ??
        series.find((s) => s.source_unit)?.source_unit?.name;
      const got = localise({
        key: target.key,
        metric: target.metric,
        series,
        window: evidence.window,
        ...(target.change_at !== undefined ? { changeAt: target.change_at } : {}),
        additive: target.additive,
        subject: target.subject,
        ...(unit ? { unit } : {}),
      });
      if (got) found.push(got);
    }
  }
  return found.sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict]);
}
