import type { EvalReport, ScenarioRun } from "./eval-runner.js";
import { TARGETS, type CheckTally, type EvalTotals } from "./eval-totals.js";
import { expectedCategories, type ScenarioScore } from "./score-scenario.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ratio = (x: number) => x.toFixed(2);
const checks = (t: CheckTally) => (t.checked > 0 ? `${t.passed}/${t.checked}` : "-");

/** Runs with at most this many rows get a row per scenario; larger runs a row per family. */
const SCENARIO_ROWS_UP_TO = 60;

/** A plain-text table; the columns in `rightAligned` are padded on the left. */
export function table(rows: ReadonlyArray<readonly string[]>, rightAligned: ReadonlySet<number>): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

function scoreChecks(score: ScenarioScore): CheckTally {
  return { passed: score.checks.filter((c) => c.passed).length, checked: score.checks.length };
}

function scenarioTable(report: EvalReport): string {
  const rows: string[][] = [
    ["scenario", "expected", "found", "recall", "precision", "timing", "forbidden", "checks", "ms"],
  ];
  for (const { score, ms } of report.runs) {
    rows.push([
      score.id,
      String(score.expected),
      `${score.matched}/${score.reported}`,
      ratio(score.recall),
      ratio(score.precision),
      score.timing_checked > 0 ? `${score.timing_hits}/${score.timing_checked}` : "-",
      String(score.forbidden.length),
      checks(scoreChecks(score)),
      String(ms),
    ]);
  }
  const t = report.totals;
  rows.push([
    `TOTAL (${t.scenarios} scenarios)`,
    String(t.expected),
    `${t.matched}/${t.reported}`,
    ratio(t.recall),
    ratio(t.precision),
    `${t.timing_hits}/${t.timing_checked}`,
    String(t.forbidden),
    checks({
      passed: t.state.passed + t.answer.passed + t.window.passed,
      checked: t.state.checked + t.answer.checked + t.window.checked,
    }),
    String(report.wall_ms),
  ]);
  return table(rows, new Set([1, 2, 3, 4, 5, 6, 7, 8]));
}

function familyRow(name: string, t: EvalTotals): string[] {
  return [
    name,
    String(t.scenarios),
    ratio(t.recall),
    ratio(t.precision),
    String(t.forbidden),
    checks(t.state),
    checks(t.answer),
    checks(t.window),
    String(t.failed_jobs),
  ];
}

/** The totals of each family and of the whole run, as a table. */
export function familyTable(report: EvalReport): string {
  const rows: string[][] = [
    ["family", "scenarios", "recall", "precision", "forbidden", "state", "answer", "window", "failed jobs"],
  ];
  for (const [name, totals] of Object.entries(report.families)) rows.push(familyRow(name, totals));
  rows.push(familyRow("ALL", report.totals));
  return table(rows, new Set([1, 2, 3, 4, 5, 6, 7, 8]));
}

/** Why a scenario is not clean, one phrase per problem; empty when it is. */
export function scenarioProblems(run: ScenarioRun): string[] {
  const { score } = run;
  return [
    ...(score.error !== undefined ? [`job: ${score.error}`] : []),
    ...score.outcomes
      .filter((o) => o.matched === undefined)
      .map(
        (o) =>
          `missed ${expectedCategories(o.expected).join("|")} ${o.expected.metric ?? "(any metric)"}${o.expected.start ? ` at ${o.expected.start}` : ""}` +
          (o.timing === "miss" ? " (found, but outside the start tolerance)" : ""),
      ),
    ...score.false_positives.filter((f) => !score.forbidden.includes(f)).map((f) => `false positive ${f}`),
    ...score.forbidden.map((f) => `forbidden ${f}`),
    ...score.checks.filter((c) => !c.passed).map((c) => `${c.kind} ${c.expected}: ${c.reason ?? "failed"}`),
    ...(score.text_defects ?? []).map((d) => `answer text: ${d}`),
    ...(score.culprit_named === false ? ["the answer does not name the culprit"] : []),
  ];
}

/** The score tables, totals and the reasons of every failing scenario, as plain text. */
export function formatReport(report: EvalReport): string {
  const t = report.totals;
  const lines: string[] = [];
  const families = Object.keys(report.families);
  if (report.runs.length <= SCENARIO_ROWS_UP_TO) lines.push(scenarioTable(report), "");
  if (families.length > 1 || report.runs.length > SCENARIO_ROWS_UP_TO) lines.push(familyTable(report), "");
  lines.push(
    `reasoner ${report.reasoner}; recall ${pct(t.recall)} (${t.matched}/${t.expected}), precision ${pct(t.precision)} ` +
      `(${t.false_positives} false positive(s)), forbidden ${t.forbidden}, failed jobs ${t.failed_jobs}, ` +
      `wall time ${(report.wall_ms / 1000).toFixed(1)} s`,
  );
  lines.push(
    `checks: state ${checks(t.state)}, answer ${checks(t.answer)}, window ${checks(t.window)}; ` +
      `answers: median ${t.answers.median_words} words, p90 ${t.answers.p90_words}, ` +
      `${t.answers.duplicate_sentences} repeated sentence(s) in ${t.answers.answers_with_duplicates} answer(s), ` +
      `${t.answers.answers_with_defects} answer(s) with a text defect`,
  );
  if (t.culprit.checked > 0)
    lines.push(
      `culprit recall ${pct(t.culprit.passed / t.culprit.checked)} (${t.culprit.passed}/${t.culprit.checked} answers name the endpoint, host, zone, version or dependency that carries the problem)`,
    );
  lines.push(
    `targets: recall >= ${TARGETS.recall}, precision >= ${TARGETS.precision}, forbidden = ${TARGETS.forbidden}: ` +
      (t.meets_targets ? "met" : "NOT met"),
  );
  lines.push(
    "(found = matched/reported; timing = expected findings found in time / found at all; " +
      "state, answer, window = checks passed/made)",
  );
  const waves = Math.max(0, ...report.runs.map((r) => r.wave));
  if (waves > 1)
    lines.push(`scenarios sharing a service ran in ${waves} waves, each with its own data and cache`);
  for (const run of report.runs) {
    const problems = scenarioProblems(run);
    if (problems.length > 0) lines.push(`- ${run.score.id}: ${problems.join("; ")}`);
  }
  return lines.join("\n");
}
