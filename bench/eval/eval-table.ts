import type { EvalReport } from "./eval-runner.js";
import { TARGETS } from "./eval-totals.js";
import { expectedCategories } from "./score-scenario.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ratio = (x: number) => x.toFixed(2);

function table(rows: ReadonlyArray<readonly string[]>, rightAligned: ReadonlySet<number>): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => (rightAligned.has(c) ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd();
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** The per-scenario table, totals and the reasons of every failing scenario, as plain text. */
export function formatReport(report: EvalReport): string {
  const rows: string[][] = [
    ["scenario", "expected", "found", "recall", "precision", "window", "forbidden", "ms"],
  ];
  for (const { score, ms } of report.runs) {
    rows.push([
      score.id,
      String(score.expected),
      `${score.matched}/${score.reported}`,
      ratio(score.recall),
      ratio(score.precision),
      score.window_checked > 0 ? `${score.window_hits}/${score.window_checked}` : "-",
      String(score.forbidden.length),
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
    `${t.window_hits}/${t.window_checked}`,
    String(t.forbidden),
    String(report.wall_ms),
  ]);
  const lines = [table(rows, new Set([1, 2, 3, 4, 5, 6, 7])), ""];
  lines.push(
    `reasoner ${report.reasoner}; recall ${pct(t.recall)} (${t.matched}/${t.expected}), precision ${pct(t.precision)} ` +
      `(${t.false_positives} false positive(s)), forbidden ${t.forbidden}, failed jobs ${t.failed_jobs}, ` +
      `wall time ${(report.wall_ms / 1000).toFixed(1)} s`,
  );
  lines.push(
    `targets: recall >= ${TARGETS.recall}, precision >= ${TARGETS.precision}, forbidden = ${TARGETS.forbidden}: ` +
      (t.meets_targets ? "met" : "NOT met"),
  );
  lines.push("(found = matched/reported; window = expected findings found in time / found at all)");
  const waves = Math.max(0, ...report.runs.map((r) => r.wave));
  if (waves > 1)
    lines.push(`scenarios sharing a service ran in ${waves} waves, each with its own data and cache`);
  for (const { score } of report.runs) {
    const problems = [
      ...(score.error !== undefined ? [`job: ${score.error}`] : []),
      ...score.outcomes
        .filter((o) => o.matched === undefined)
        .map(
          (o) =>
            `missed ${expectedCategories(o.expected).join("|")} ${o.expected.metric ?? "(any metric)"}${o.expected.start ? ` at ${o.expected.start}` : ""}` +
            (o.window === "miss" ? " (found, but outside the start tolerance)" : ""),
        ),
      ...score.false_positives.filter((f) => !score.forbidden.includes(f)).map((f) => `false positive ${f}`),
      ...score.forbidden.map((f) => `forbidden ${f}`),
    ];
    if (problems.length > 0) lines.push(`- ${score.id}: ${problems.join("; ")}`);
  }
  return lines.join("\n");
}
