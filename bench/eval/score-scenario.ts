import { offsetMs, parseDuration, type Scenario, type Severity } from "@orch/core";
import { answerChecks } from "./answer-checks.js";
import { answerDefects, duplicateSentences, wordCount } from "./answer-text.js";
import { check, type ExpectationCheck } from "./expectation-check.js";
import { startTolerance } from "./start-tolerance.js";
import { windowChecks } from "./window-checks.js";

export { startTolerance };

/** What scoring reads of a finding (a job result's `findings[]` entries have more). */
export interface ScoredFinding {
  readonly id: string;
  readonly category: string;
  readonly severity: Severity;
  readonly metric: string;
  readonly window: { readonly start: number; readonly end: number };
  readonly related?: readonly string[];
  /** Causal links the analysis drew: findings that explain this one, and that it explains. */
  readonly caused_by?: readonly string[];
  readonly explains?: readonly string[];
  /** `ongoing` or `recovered`, when the analysis says. */
  readonly state?: string;
}

/** Severities that count as "reported": info findings are context, never hits nor false alarms. */
export const REPORTED_SEVERITIES: ReadonlySet<Severity> = new Set<Severity>(["warning", "critical"]);

/** Finding metrics that are corroboration rather than a series of their own. */
const CORROBORATING_METRICS: ReadonlySet<string> = new Set(["events", "logs", "monitors"]);

export type ExpectedFinding = Scenario["expected"]["findings"][number];

/** How one expected finding fared. */
export interface ExpectedOutcome {
  readonly expected: ExpectedFinding;
  /** The finding that matched it, if any. */
  readonly matched?: string;
  /** With a start: whether a finding of that category and metric exists at all, and whether one started in time. */
  readonly timing?: "hit" | "miss" | "none";
}

/** The score of one scenario. */
export interface ScenarioScore {
  readonly id: string;
  readonly service: string;
  readonly expected: number;
  /** Reported findings (warning and critical). */
  readonly reported: number;
  readonly matched: number;
  /** Reported findings that are neither matched nor corroborating a matched one. */
  readonly false_positives: readonly string[];
  /** Reported findings linked to a matched one (a deploy, logs, a monitor, the same category): not counted. */
  readonly corroborating: readonly string[];
  /** Reported findings whose category the scenario forbids. */
  readonly forbidden: readonly string[];
  readonly outcomes: readonly ExpectedOutcome[];
  /** Expected findings with a start that found a finding of their category and metric, and how many of those started in time. */
  readonly timing_hits: number;
  readonly timing_checked: number;
  /** The state, answer and window expectations, one check each. */
  readonly checks: readonly ExpectationCheck[];
  /** The answer's length in words and its repeated sentences (see answer-text.ts); absent without an answer. */
  readonly answer_words?: number;
  /** What the answer's text must never hold (exponents, NaN, placeholders…; see answerDefects). */
  readonly text_defects?: readonly string[];
  readonly duplicate_sentences?: number;
  /** With an expected culprit: whether the answer names it (its tag value, case-insensitive). */
  readonly culprit_named?: boolean;
  /** matched / expected (1 when nothing is expected). */
  readonly recall: number;
  /** matched / (matched + false positives) (1 when nothing is reported). */
  readonly precision: number;
  readonly error?: string;
}

export interface ScoreInput {
  readonly scenario: Scenario;
  /** The scenario's anchor: offsets in the scenario are relative to it. */
  readonly anchor: number;
  /** The job's findings, or undefined when the job did not complete. */
  readonly findings: readonly ScoredFinding[] | undefined;
  /** The job's answer text (`result.answer_markdown`), when it completed. */
  readonly answer?: string;
  /** The window the job read (`result.window`), epoch ms. */
  readonly window?: { readonly start: number; readonly end: number };
  readonly error?: string;
}

/** "F3 latency trace.http.request.duration.by.service.95p critical". */
export function describeFinding(f: ScoredFinding): string {
  return `${f.id} ${f.category} ${f.metric} ${f.severity}`;
}

function metricMatches(wanted: string | undefined, metric: string): boolean {
  if (wanted === undefined) return true;
  return wanted.endsWith("*") ? metric.startsWith(wanted.slice(0, -1)) : metric === wanted;
}

/** The categories an expected finding accepts (one, or a list of which any matches). */
export function expectedCategories(e: ExpectedFinding): readonly string[] {
  return Array.isArray(e.category) ? e.category : [e.category];
}

function fits(e: ExpectedFinding, f: ScoredFinding, at: number | undefined, tolerance: number): boolean {
  return (
    expectedCategories(e).includes(f.category) &&
    metricMatches(e.metric, f.metric) &&
    (at === undefined || Math.abs(f.window.start - at) <= tolerance)
  );
}

/** A one-to-one assignment of expected findings to findings (augmenting paths; the sets are small). */
function assign(candidates: ReadonlyArray<readonly number[]>): Array<number | undefined> {
  const owner = new Map<number, number>();
  const tryAssign = (e: number, seen: Set<number>): boolean => {
    for (const f of candidates[e] ?? []) {
      if (seen.has(f)) continue;
      seen.add(f);
      const current = owner.get(f);
      if (current === undefined || tryAssign(current, seen)) {
        owner.set(f, e);
        return true;
      }
    }
    return false;
  };
  candidates.forEach((_, e) => tryAssign(e, new Set()));
  const result: Array<number | undefined> = candidates.map(() => undefined);
  for (const [f, e] of owner) result[e] = f;
  return result;
}

/**
 * Scores a scenario's findings against its expectations.
 *
 * - Only warning and critical findings count; info findings are ignored.
 * - An expected finding matches a finding of the same category, of the same metric when it
 *   names one (a trailing `*` is a prefix), starting within `startTolerance` of its `start`
 *   when it gives one. Each finding matches at most one expectation.
 * - A reported finding that matches nothing is a false positive unless it is linked through
 *   `related` (either way) to a matched finding and tells the same story from another angle:
 *   the same category, or a deploy, log or monitor finding. Those are corroboration.
 * - A reported finding of a forbidden category is always counted as forbidden and as a false positive.
 */
export function scoreScenario(input: ScoreInput): ScenarioScore {
  const { scenario, anchor } = input;
  const windowMs = parseDuration(scenario.window) ?? 3_600_000;
  const tolerance = startTolerance(windowMs);
  const expected = scenario.expected.findings;
  const forbiddenCategories = new Set<string>(scenario.expected.forbidden_categories);
  const reported = (input.findings ?? []).filter((f) => REPORTED_SEVERITIES.has(f.severity));

  const starts = expected.map((e) => (e.start !== undefined ? anchor + offsetMs(e.start) : undefined));
  const candidates = expected.map((e, i) =>
    reported
      .map((f, j) => ({ f, j }))
      .filter(({ f }) => fits(e, f, starts[i], tolerance))
      .sort(
        (a, b) =>
          Math.abs(a.f.window.start - (starts[i] ?? 0)) - Math.abs(b.f.window.start - (starts[i] ?? 0)),
      )
      .map(({ j }) => j),
  );
  const assignment = assign(candidates);
  const matchedIdx = new Set(assignment.filter((j): j is number => j !== undefined));
  const matchedFindings = [...matchedIdx]
    .map((j) => reported[j])
    .filter((f): f is ScoredFinding => f !== undefined);

  const outcomes: ExpectedOutcome[] = expected.map((e, i) => {
    const j = assignment[i];
    const finding = j !== undefined ? reported[j] : undefined;
    let timing: ExpectedOutcome["timing"];
    if (e.start !== undefined) {
      if (finding) timing = "hit";
      else timing = reported.some((f) => fits(e, f, undefined, tolerance)) ? "miss" : "none";
    }
    return { expected: e, ...(finding ? { matched: finding.id } : {}), ...(timing ? { timing } : {}) };
  });

  const linked = (f: ScoredFinding, m: ScoredFinding): boolean =>
    (f.related ?? []).includes(m.id) || (m.related ?? []).includes(f.id);
  // A finding the analysis itself explains by a matched one, or uses to explain it, is the chain: no false alarm.
  const chained = (f: ScoredFinding, m: ScoredFinding): boolean =>
    (f.caused_by ?? []).includes(m.id) ||
    (f.explains ?? []).includes(m.id) ||
    (m.caused_by ?? []).includes(f.id) ||
    (m.explains ?? []).includes(f.id);
  const corroborates = (f: ScoredFinding): boolean =>
    matchedFindings.some(
      (m) =>
        chained(f, m) ||
        (linked(f, m) &&
          (f.category === m.category ||
            f.category === "deploy_regression" ||
            CORROBORATING_METRICS.has(f.metric))),
    );

  const falsePositives: string[] = [];
  const corroborating: string[] = [];
  const forbidden: string[] = [];
  reported.forEach((f, j) => {
    const text = describeFinding(f);
    if (forbiddenCategories.has(f.category)) {
      forbidden.push(text);
      falsePositives.push(text);
    } else if (!matchedIdx.has(j)) {
      (corroborates(f) ? corroborating : falsePositives).push(text);
    }
  });

  const matched = matchedIdx.size;
  const timingChecked = outcomes.filter((o) => o.timing === "hit" || o.timing === "miss").length;
  const checks = [
    ...stateChecks(outcomes, reported),
    ...answerChecks(scenario.expected.answer, input.answer),
    ...windowChecks(scenario, anchor, input.window),
  ];
  return {
    id: scenario.id,
    service: scenario.service,
    expected: expected.length,
    reported: reported.length,
    matched,
    false_positives: falsePositives,
    corroborating,
    forbidden,
    outcomes,
    timing_hits: outcomes.filter((o) => o.timing === "hit").length,
    timing_checked: timingChecked,
    checks,
    ...(input.answer !== undefined
      ? {
          answer_words: wordCount(input.answer),
          duplicate_sentences: duplicateSentences(input.answer),
          text_defects: answerDefects(input.answer),
        }
      : {}),
    ...(scenario.expected.culprit
      ? {
          culprit_named:
            input.answer !== undefined &&
            input.answer.toLowerCase().includes(scenario.expected.culprit.value.toLowerCase()),
        }
      : {}),
    recall: expected.length > 0 ? matched / expected.length : 1,
    precision: matched + falsePositives.length > 0 ? matched / (matched + falsePositives.length) : 1,
    ...(input.error !== undefined ? { error: input.error } : {}),
  };
}

/**
 * The state expectations of the expected findings that matched, one check each: the matched
 * finding's `state` must be the expected one (a finding without a state fails). An expected
 * finding that matched nothing is a miss already, and its state is not checked.
 */
function stateChecks(
  outcomes: readonly ExpectedOutcome[],
  reported: readonly ScoredFinding[],
): ExpectationCheck[] {
  return outcomes.flatMap((o) => {
    const wanted = o.expected.state;
    const finding = o.matched !== undefined ? reported.find((f) => f.id === o.matched) : undefined;
    if (wanted === undefined || !finding) return [];
    const what = `${finding.id} (${expectedCategories(o.expected).join("|")} ${finding.metric}) ${wanted}`;
    const failure =
      finding.state === undefined
        ? `${finding.id} has no state`
        : finding.state === wanted
          ? undefined
          : `${finding.id} is ${finding.state}`;
    return [check("state", what, failure)];
  });
}
