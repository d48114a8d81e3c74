import type { Scenario } from "@orch/core";
import type { ScenarioRun } from "./eval-runner.js";
import { expectedCategories, REPORTED_SEVERITIES, type ScoredFinding } from "./score-scenario.js";

const indent = (text: string, by = "    ") =>
  text
    .split("\n")
    .map((line) => (line ? `${by}${line}` : line))
    .join("\n");

/** Optional fields a job's finding carries beyond what scoring reads. */
function findingLine(f: ScoredFinding & { summary?: unknown }): string {
  const span = `${new Date(f.window.start).toISOString().slice(0, 16)}Z → ${new Date(f.window.end).toISOString().slice(11, 16)}Z`;
  const state = f.state ? ` ${f.state}` : " (no state)";
  const summary = typeof f.summary === "string" ? ` — ${f.summary}` : "";
  const counted = REPORTED_SEVERITIES.has(f.severity) ? "" : " [not counted]";
  return `${f.id} ${f.severity} ${f.category} ${f.metric}, ${span}${state}${counted}${summary}`;
}

/**
 * One scenario's run for people (`--show ID`): the question, the window, the plan with what it
 * left unread, the findings, every expectation with whether it held and why not, and the answer.
 */
export function formatRun(run: ScenarioRun, scenario: Scenario): string {
  const { score } = run;
  const lines: string[] = [];
  lines.push(
    `${scenario.id} — ${run.family}${run.split !== "committed" ? `, ${run.split}` : ""}, service ${scenario.service}`,
  );
  if (scenario.description) lines.push(scenario.description);
  lines.push("", `question  ${run.question ?? scenario.question}`);
  lines.push(
    `window    scenario ${scenario.window}${scenario.timeframe === null ? ", left to the planner (timeframe: null)" : ", given as the timeframe"}` +
      (run.window ? `; the job read ${run.window.start} → ${run.window.end}` : ""),
  );
  if (run.plan) {
    const p = run.plan;
    lines.push("", `plan (${p.source}, intent ${p.intent}, ${p.window}): ${p.reads.length} read(s)`);
    if (p.concepts)
      lines.push(
        `  asked   ${p.concepts.join(", ") || "nothing in particular"}` +
          (p.unmatched?.length ? ` (no metric for: ${p.unmatched.join(", ")})` : ""),
      );
    for (const read of p.reads) lines.push(`  read    ${read}`);
    lines.push(
      p.unread.length > 0
        ? `  unread  ${p.unread.join(", ")} (${p.unread.length} of ${p.available} available)`
        : `  unread  none of ${p.available} available`,
    );
  }
  lines.push("", `findings (${score.reported} reported; warning and critical count)`);
  for (const f of run.findings) lines.push(`  ${findingLine(f)}`);
  if (run.findings.length === 0) lines.push("  none");
  lines.push("", "expected");
  for (const o of score.outcomes) {
    const what = `${expectedCategories(o.expected).join("|")} ${o.expected.metric ?? "(any metric)"}${o.expected.start ? ` at ${o.expected.start}` : ""}`;
    lines.push(
      o.matched
        ? `  ok      ${what} → ${o.matched}`
        : `  MISSED  ${what}${o.timing === "miss" ? " (found, but outside the start tolerance)" : ""}`,
    );
  }
  for (const f of score.forbidden) lines.push(`  FORBIDDEN  ${f}`);
  for (const f of score.false_positives.filter((x) => !score.forbidden.includes(x)))
    lines.push(`  FALSE POSITIVE  ${f}`);
  for (const c of score.checks)
    lines.push(
      c.passed ? `  ok      ${c.kind} ${c.expected}` : `  FAILED  ${c.kind} ${c.expected}: ${c.reason ?? ""}`,
    );
  if (score.error) lines.push(`  JOB     ${score.error}`);
  lines.push(
    "",
    `score     recall ${score.recall.toFixed(2)}, precision ${score.precision.toFixed(2)}, forbidden ${score.forbidden.length}, ` +
      `checks ${score.checks.filter((c) => c.passed).length}/${score.checks.length}` +
      (score.answer_words !== undefined ? `, answer ${score.answer_words} words` : ""),
  );
  if (run.answer !== undefined) lines.push("", "answer", indent(run.answer));
  return lines.join("\n");
}
