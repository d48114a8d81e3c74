import type { Answer, AnswerSection } from "../answer.js";
import type { SeriesStats } from "../analysis-result.js";
import { monitorExclusionText } from "../analysis/monitors.js";
import type { EventInfo, Evidence, LogSummary, MonitorExclusion, MonitorInfo } from "../evidence.js";
import type { SignalKind } from "../metric-catalog.js";
import { isFollowUp, mentionedKinds, mentionedServices } from "../planner/classify-question.js";
import type { AnswerInput } from "../ports.js";
import { findingLine } from "./finding-line.js";
import { forecastLines } from "./forecast-lines.js";
import { groundedConfidence, questionCoverage } from "./grounded-confidence.js";
import { keySeries, keySeriesTable } from "./key-series-table.js";
import { leadPhrase, subjectOf } from "./lead-phrase.js";
import { silentWith } from "./silence.js";
import { failedReads, namedSignalLines, seriesSummary } from "./named-signal-lines.js";
import { questionShape } from "./question-shape.js";
import { recommendationsFor } from "./recommendations.js";
import { withoutRepeats } from "./sentences.js";
import { directAnswerWithWhere, whereLines } from "./where-lines.js";

/** Questions that ask where resources are heading, not only where they are. */
const FORECAST_WORDS =
  /\b(predict\w*|forecast\w*|capacity|scal(e|ing)|headroom|run(ning)? out|trends?|grow\w*|fill\w*|left)\b/i;

/** Findings listed in an answer; the rest are counted, not shown. */
const MAX_LISTED = 8;
/** The short form of a single-cause answer stays within this many words. */
const SUMMARY_WORDS = 120;

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

/** Monitors the reads found but left out, and why. */
function excludedMonitors(evidence: Evidence): MonitorExclusion[] {
  return evidence.results.flatMap((r) =>
    r.status === "ok" && r.tool === "monitors" ? (r.excluded ?? []) : [],
  );
}

/** What the answer could not settle: concepts without metrics, services not read, reads that failed, time words. */
function unsettled(input: AnswerInput): string[] {
  const { plan, analysis, scope, question } = input;
  const out: string[] = [];
  for (const concept of plan.coverage?.unmatched ?? [])
    out.push(`The service reports no metric about ${concept}: that part of the question is not answered.`);
  const shape = questionShape(question, scope.service_id);
  const where = whereLines(analysis, shape, scope.service_id);
  if (shape.form === "which" && shape.breakdown && !where.settled && !where.lead)
    out.push(
      `Which ${shape.breakdown}: the series read are totals for the whole service, with no per-${shape.breakdown} breakdown, so the culprit cannot be named from them.`,
    );
  const others = mentionedServices(question, scope.service_id);
  if (others.length > 0)
    out.push(
      `Only \`${scope.service_id}\` was read: every query is scoped to it. The question also names ${others.map((o) => `\`${o}\``).join(", ")} — ask about ${others.length > 1 ? "them" : "it"} in a job of its own.`,
    );
  for (const note of plan.window.notes ?? []) out.push(`Time: ${note}.`);
  if (analysis.missing.length > 0) {
    out.push(
      `Only ${Math.round(analysis.coverage * 100)}% of the planned reads returned data; these did not:`,
    );
    for (const m of analysis.missing) out.push(`- ${m}`);
  }
  const leftOut = monitorExclusionText(excludedMonitors(input.evidence));
  if (leftOut) out.push(`${leftOut}.`);
  return out;
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/**
 * The offline analyst's answer, built only from the analysis: a direct answer first (yes/no, the
 * cause, or the state of the service), then a short summary (the causal chain once, other
 * issues, the next step), then the details in sections (findings, key series, forecast, what it
 * could not settle, recommendations, how it was answered). `answer_markdown` renders them all.
 */
export function composeOfflineAnswer(input: AnswerInput): Answer {
  const { question, scope, plan, evidence, analysis } = input;
  const window = evidence.window;
  const windowMs = window.end - window.start;
  const service = scope.service_id;
  const significant = analysis.findings.filter((f) => f.severity !== "info");
  const context = analysis.findings.filter((f) => f.severity === "info");
  const listed = [...significant, ...context].slice(0, MAX_LISTED);
  const { advice, basis } = recommendationsFor(analysis, window);
  const confidence = Math.min(groundedConfidence(analysis), questionCoverage(input));
  const where = whereLines(analysis, questionShape(question, scope.service_id), scope.service_id);
  const shown = keySeries(analysis.stats, analysis.findings, plan.intent);
  const hasData = analysis.stats.some((s) => s.count > 0);
  const named = mentionedKinds(question);

  // Where the problem is: first for a "which" question, after the cause for any other.
  const direct = directAnswerWithWhere(input);
  // The summary: the chains and issues the direct answer did not tell, and the next step.
  const bullets: string[] = [];
  const told = new Set(direct.told);
  for (const f of significant) {
    if (told.has(f.id) || (f.caused_by ?? []).some((id) => told.has(id))) continue;
    // Logs and monitors that tell a story already told (the same category, linked) add no bullet.
    const corroborates =
      (f.metric === "logs" || f.metric === "monitors") &&
      significant.some((o) => told.has(o.id) && o.category === f.category);
    if (corroborates) continue;
    const effects = (f.explains ?? [])
      .map((id) => analysis.findings.find((x) => x.id === id))
      .filter((x) => x !== undefined);
    const chain =
      effects.length > 0
        ? ` → ${effects.map(subjectOf).join(", ")}${effects[0]?.cause_reason ? ` (${effects[0].cause_reason})` : ""}`
        : "";
    const together = silentWith(f, analysis.findings);
    bullets.push(`- ${leadPhrase(f, windowMs, { together })}${chain}.`);
    told.add(f.id);
    for (const s of together) told.add(s.id);
    for (const e of effects) told.add(e.id);
    if (bullets.length >= 3) break;
  }
  if (significant.length > 0 && advice[0]) bullets.push(`- **Next:** ${advice[0]}`);
  let summaryParts = [direct.text, ...bullets];
  // A single cause is told in at most SUMMARY_WORDS words: the least important bullets go first.
  while (significant.length <= 2 && summaryParts.length > 1 && words(summaryParts.join(" ")) > SUMMARY_WORDS)
    summaryParts = summaryParts.slice(0, -1);
  const summary = withoutRepeats(summaryParts.join("\n"));

  const sections: AnswerSection[] = [];
  if (named.length > 1 && hasData)
    sections.push({
      title: "What you asked about",
      markdown: namedSignalLines(named, analysis.findings, analysis.stats, failedReads(evidence)).join(
        "\n\n",
      ),
    });
  if (listed.length > 0) {
    const more = analysis.findings.length - listed.length;
    sections.push({
      title: "Findings",
      markdown: [
        ...listed.map((f, i) => `${i + 1}. ${findingLine(f, window)}`),
        ...(more > 0 ? ["", `…and ${more} more finding(s) of lower rank.`] : []),
      ].join("\n"),
    });
  }
  if (significant.length === 0 && hasData)
    sections.push({
      title: "Why this looks healthy",
      markdown: allClearEvidence(input, shown, named)
        .map((l) => `- ${l}`)
        .join("\n"),
    });
  const forecasts = (analysis.forecasts ?? []).filter((fc) => fc.resource !== "CPU");
  if (forecasts.length > 0 && (plan.intent === "capacity" || FORECAST_WORDS.test(question)))
    sections.push({
      title: "Forecast",
      markdown: forecastLines(forecasts)
        .map((l) => `- ${l}`)
        .join("\n"),
    });
  if (where.lines.length > 0)
    sections.push({
      title: "Where",
      markdown: where.lines.map((l) => `- ${l}`).join("\n"),
    });
  const table = keySeriesTable(shown);
  if (table) sections.push({ title: "Key series", markdown: table });
  const open = unsettled(input);
  if (open.length > 0)
    sections.push({
      title: "What this answer could not settle",
      markdown: open.map((l) => (l.startsWith("- ") ? l : `- ${l}`)).join("\n"),
    });
  sections.push({ title: "Recommendations", markdown: advice.map((a, i) => `${i + 1}. ${a}`).join("\n") });
  sections.push({
    title: "How this was answered",
    markdown: [
      "_Produced by the offline analyst: statistics and rules over the data, no language model._",
      "",
      `**Service** \`${service}\` · **Window** ${window.label}, ${isoMinute(window.start)} → ${isoMinute(window.end)} · **Data source** \`${evidence.data_source}\` · **Question** “${question.trim()}”`,
      "",
      `_Confidence ${confidence.toFixed(2)}: ${Math.round(analysis.coverage * 100)}% of planned reads returned data, ${analysis.stats.length} series analysed, ${significant.length} significant finding(s)${(plan.coverage?.unmatched.length ?? 0) > 0 ? `, ${plan.coverage?.unmatched.length} part(s) of the question without data` : ""}._`,
    ].join("\n"),
  });

  // A follow-up in a session gets the short answer about what it asks; the full report stays in the sections.
  const followUp = input.history.some((m) => m.role === "user") && isFollowUp(question);
  const markdown = followUp
    ? withoutRepeats(
        `${summary}\n\n_Follow-up answer: the full report (findings, key series, recommendations) is in this job's result sections._`,
      )
    : withoutRepeats(
        [
          // The next step is the first of the Recommendations below: said once.
          summaryParts.filter((p) => !p.startsWith("- **Next:**")).join("\n"),
          ...sections.map((s) => `### ${s.title}\n\n${s.markdown}`),
        ].join("\n\n"),
      );
  const findingsUsed = [
    ...new Set([...(direct.focus ? [direct.focus.id] : []), ...listed.map((f) => f.id), ...basis]),
  ];
  return {
    answer_markdown: markdown,
    direct_answer: direct.text,
    summary,
    sections,
    findings_used: findingsUsed,
    recommendations: advice,
    confidence,
  };
}
