import type { Answer } from "../answer.js";
import type { SeriesStats } from "../analysis-result.js";
import type { EventInfo, Evidence, LogSummary, MonitorInfo } from "../evidence.js";
import type { Finding } from "../finding.js";
import type { SignalKind } from "../metric-catalog.js";
import { mentionedKinds, mentionedServices } from "../planner/classify-question.js";
import type { AnswerInput } from "../ports.js";
import { findingLine } from "./finding-line.js";
import { forecastLines } from "./forecast-lines.js";
import { groundedConfidence } from "./grounded-confidence.js";
import { keySeries, keySeriesTable } from "./key-series-table.js";
import { findingIsAbout, namedSignalLines, seriesSummary } from "./named-signal-lines.js";
import { recommendationsFor } from "./recommendations.js";

/** Questions that ask where resources are heading, not only where they are. */
const FORECAST_WORDS =
  /\b(predict\w*|forecast\w*|capacity|scal(e|ing)|headroom|run(ning)? out|trends?|grow\w*|fill\w*)\b/i;

/** Findings listed in an answer; the rest are counted, not shown. */
const MAX_LISTED = 8;

function isoMinute(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function reads(evidence: Evidence): { monitors?: MonitorInfo[]; events?: EventInfo[]; logs?: LogSummary } {
  const out: { monitors?: MonitorInfo[]; events?: EventInfo[]; logs?: LogSummary } = {};
  for (const r of evidence.results) {
    if (r.status !== "ok") continue;
    if (r.tool === "monitors") out.monitors = [...(out.monitors ?? []), ...r.monitors];
    if (r.tool === "events") out.events = [...(out.events ?? []), ...r.events];
    if (r.tool === "logs") out.logs = r.logs;
  }
  return out;
}

/** What shows that nothing is wrong: steady series, quiet monitors, no deploy followed by trouble. */
function allClearEvidence(
  input: AnswerInput,
  shown: readonly SeriesStats[],
  told: readonly SignalKind[],
): string[] {
  // Series of the signals the question named were already answered above.
  const lines = shown
    .filter((s) => s.kind === undefined || !told.includes(s.kind))
    .slice(0, 4)
    .map((s) => `${seriesSummary(s)}: no spike, step, trend or threshold breach`);
  const { monitors, events, logs } = reads(input.evidence);
  if (monitors) {
    const troubled = monitors.filter(
      (m) => m.state === "Alert" || m.state === "Warn" || m.state === "No Data",
    );
    lines.push(
      troubled.length === 0
        ? `${monitors.length} monitor(s) checked, none alerting`
        : `${troubled.length} monitor(s) not OK`,
    );
  }
  if (events) {
    const deploys = events.filter((e) => e.type === "deploy");
    lines.push(
      deploys.length === 0
        ? "no deploys in the window"
        : `${deploys.length} deploy(s) in the window, none followed by an error or latency change`,
    );
  }
  if (logs) lines.push(`${logs.total_errors} error log(s) in the window, no burst`);
  return lines;
}

/**
 * The offline analyst's answer: a markdown report built only from the analysis (findings with
 * their numbers, key series, missing data, rule-based recommendations), saying plainly that no
 * language model wrote it. Confidence comes from `groundedConfidence`.
 */
export function composeOfflineAnswer(input: AnswerInput): Answer {
  const { question, scope, plan, evidence, analysis } = input;
  const window = evidence.window;
  const service = scope.service_id;
  const significant = analysis.findings.filter((f) => f.severity !== "info");
  const context = analysis.findings.filter((f) => f.severity === "info");
  const listed = [...significant, ...context].slice(0, MAX_LISTED);
  const { advice, basis } = recommendationsFor(analysis, window);
  const confidence = groundedConfidence(analysis);
  const shown = keySeries(analysis.stats, analysis.findings, plan.intent);

  const critical = significant.filter((f) => f.severity === "critical").length;
  const hasData = analysis.stats.some((s) => s.count > 0);
  const named = mentionedKinds(question);
  const others = mentionedServices(question, service);
  const parts: string[] = [];
  if (significant.length > 0) {
    parts.push(
      `## ${service}: ${significant.length} issue${significant.length > 1 ? "s" : ""} found (${critical} critical, ${significant.length - critical} warning)`,
    );
  } else if (!hasData) {
    parts.push(
      `## ${service}: not enough data to judge`,
      "",
      `No metric returned values for the ${window.label}, so the absence of findings says nothing about the service's health.`,
    );
  } else {
    parts.push(`## ${service}: no problems found`);
  }
  if (others.length > 0) {
    parts.push(
      "",
      `**Only \`${service}\` was read.** This job can read only its own service (every query is scoped to it); the question also names ${others.map((o) => `\`${o}\``).join(", ")}, which was not read — ask about ${others.length > 1 ? "them" : "it"} in a job for ${others.length > 1 ? "each of those services" : "that service"}.`,
    );
  }
  // Lead with what the question asked about, then the most important finding if it is about something else.
  if (named.length > 0 && hasData) {
    parts.push("");
    for (const line of namedSignalLines(named, analysis.findings, analysis.stats)) parts.push(line, "");
    parts.pop();
  }
  const top = significant[0];
  if (top) {
    const about = (f: Finding): boolean => named.some((k) => findingIsAbout(f, k));
    const linked = (top.related ?? []).some((id) => {
      const other = analysis.findings.find((f) => f.id === id);
      return other !== undefined && about(other);
    });
    if (named.length === 0 || linked) parts.push("", `Most important: ${top.summary}.`);
    else if (!about(top))
      parts.push(
        "",
        `Elsewhere: ${top.id} (${top.severity} ${top.category.replace("_", " ")} on \`${top.metric}\`) — see the findings below.`,
      );
  } else if (hasData) {
    parts.push("", `Nothing abnormal in the ${window.label}: every series stayed within its usual range.`);
  }
  parts.push(
    "",
    "_This answer was produced by the offline analyst: statistics and rules over the data, no language model._",
    "",
    `**Service** \`${service}\` · **Window** ${window.label}, ${isoMinute(window.start)} → ${isoMinute(window.end)} · **Data source** \`${evidence.data_source}\` · **Question** “${question.trim()}”`,
  );

  if (listed.length > 0) {
    parts.push("", "### Findings", "");
    listed.forEach((f, i) => parts.push(`${i + 1}. ${findingLine(f, window)}`));
    const more = analysis.findings.length - listed.length;
    if (more > 0) parts.push("", `…and ${more} more finding(s) of lower rank.`);
  }
  if (significant.length === 0 && hasData) {
    parts.push("", "### Why this looks healthy", "");
    for (const line of allClearEvidence(input, shown, named)) parts.push(`- ${line}`);
  }
  const forecasts = analysis.forecasts ?? [];
  if (forecasts.length > 0 && (plan.intent === "capacity" || FORECAST_WORDS.test(question))) {
    parts.push("", "### Forecast", "");
    for (const line of forecastLines(forecasts)) parts.push(`- ${line}`);
  }
  const table = keySeriesTable(shown);
  if (table) parts.push("", "### Key series", "", table);
  if (analysis.missing.length > 0) {
    parts.push(
      "",
      "### Missing data",
      "",
      `Only ${Math.round(analysis.coverage * 100)}% of the planned reads returned data; these did not:`,
      "",
    );
    for (const m of analysis.missing) parts.push(`- ${m}`);
  }
  parts.push("", "### Recommendations", "");
  advice.forEach((a, i) => parts.push(`${i + 1}. ${a}`));
  parts.push(
    "",
    `_Confidence ${confidence.toFixed(2)}: ${Math.round(analysis.coverage * 100)}% of planned reads returned data, ${analysis.stats.length} series analysed, ${significant.length} significant finding(s)._`,
  );

  const findingsUsed = [...new Set([...listed.map((f) => f.id), ...basis])];
  return {
    answer_markdown: parts.join("\n"),
    findings_used: findingsUsed,
    recommendations: advice,
    confidence,
  };
}
