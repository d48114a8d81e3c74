import type { AnalysisResult } from "../analysis-result.js";
import type { Finding, Severity } from "../finding.js";
import type { AnswerInput } from "../ports.js";
import { whereLines } from "./where-lines.js";
import { questionShape } from "./question-shape.js";

const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = { critical: 1, warning: 0.75, info: 0.3 };

function overlaps(a: Finding, b: Finding, slackMs: number): boolean {
  return a.window.start <= b.window.end + slackMs && b.window.start <= a.window.end + slackMs;
}

/** How strongly the significant findings back each other up, in [0, 1]. */
function agreement(findings: readonly Finding[]): number {
  const significant = findings.filter((f) => f.severity !== "info");
  if (significant.length < 2) return significant.some((f) => (f.related?.length ?? 0) > 0) ? 0.5 : 0;
  const linked = significant.filter((f) => (f.related?.length ?? 0) > 0).length;
  // Several signals (different metrics) moving in the same half hour point the same way.
  const top = significant[0];
  const concurrent = top
    ? significant.slice(1).filter((f) => f.metric !== top.metric && overlaps(top, f, 30 * 60_000)).length
    : 0;
  return Math.min(1, (linked + concurrent) / 3);
}

/** How much of the analysed data was actually there (points present, series with data). */
function dataQuality(analysis: AnalysisResult): number {
  const stats = analysis.stats;
  if (stats.length === 0) return 0;
  let sum = 0;
  for (const s of stats) {
    const expected = s.count + s.gaps;
    sum += expected > 0 ? s.count / expected : 0;
  }
  return sum / stats.length;
}

/**
 * Confidence of an answer in [0.05, 0.98], from what the analysis actually had: the share of
 * reads that returned data, how complete the series were, how strong the top signals are and
 * whether several findings agree. Missing data always lowers it.
 */
export function groundedConfidence(analysis: AnalysisResult): number {
  const coverage = Math.min(1, Math.max(0, analysis.coverage));
  const quality = dataQuality(analysis);
  const significant = analysis.findings.filter((f) => f.severity !== "info");

  let confidence = 0.15 + 0.45 * coverage + 0.12 * quality;
  if (significant.length > 0) {
    const top = significant.slice(0, 3);
    const signal =
      top.reduce((a, f) => a + SEVERITY_WEIGHT[f.severity] * Math.min(1, Math.max(0, f.score)), 0) /
      top.length;
    confidence += 0.18 * signal + 0.1 * agreement(analysis.findings);
  } else {
    // An all-clear is only as good as the data that shows it: many complete series, few infos.
    const seriesWithData = analysis.stats.filter((s) => s.count > 0).length;
    const breadth = Math.min(1, seriesWithData / 4);
    const infoNoise = Math.min(1, analysis.findings.length / 4);
    confidence += 0.2 * breadth * quality - 0.05 * infoNoise;
  }
  confidence -= Math.min(0.2, 0.05 * analysis.missing.length);
  if (analysis.stats.length === 0 && analysis.findings.length === 0) confidence = Math.min(confidence, 0.3);
  return Math.round(Math.min(0.98, Math.max(0.05, confidence)) * 100) / 100;
}

/**
 * How well the plan covers the question, as a ceiling on confidence: a question whose parts the
 * data cannot settle (a concept the service has no metric for, a breakdown it does not have)
 * scores well below 0.9 however complete the reads were.
 */
export function questionCoverage(
  input: Pick<AnswerInput, "question" | "plan" | "scope"> & { readonly analysis?: AnalysisResult },
): number {
  const coverage = input.plan.coverage;
  let ceiling = 1;
  if (coverage && coverage.concepts.length > 0 && coverage.unmatched.length > 0)
    ceiling = Math.min(ceiling, 0.75 - 0.3 * (coverage.unmatched.length / coverage.concepts.length));
  const shape = questionShape(input.question, input.scope.service_id);
  // A "which" question is settled only when a drill-down named the culprit (or showed there is none).
  const settled = input.analysis ? whereLines(input.analysis, shape, input.scope.service_id).settled : false;
  if (shape.form === "which" && shape.breakdown && !settled) ceiling = Math.min(ceiling, 0.55);
  return Math.round(Math.max(0.05, ceiling) * 100) / 100;
}
