import type { AnalysisResult } from "../analysis-result.js";
import { monitorExclusionText } from "../analysis/monitors.js";
import type { EventInfo, Evidence, LogSummary, MonitorExclusion, MonitorInfo, Series } from "../evidence.js";
import {
  basicStats,
  eventLines,
  findingLine,
  forecastLine,
  logLines,
  monitorLines,
  pointsLine,
  statsLine,
} from "./context-lines.js";
import { lttb } from "./lttb.js";
import { rankSeries, type RankedSeries } from "./series-relevance.js";
import { TokenBudget, type TokenCounter } from "./token-budget.js";

export interface FormatContextInput {
  readonly question: string;
  readonly analysis: AnalysisResult;
  readonly evidence: Evidence;
  readonly budgetTokens: number;
  /** The model's tokenizer; the budget and `tokens` are in its tokens. */
  readonly countTokens: TokenCounter;
}

/** A compact, token-budgeted view of the evidence for a model. */
export interface FormattedContext {
  readonly text: string;
  /** Tokens of `text` (o200k tokenizer); never above the budget. */
  readonly tokens: number;
  readonly sections: {
    readonly findings: number;
    readonly stats: number;
    /** Series whose downsampled points are included. */
    readonly points: number;
  };
  /** Something was left out to stay within the budget. */
  readonly truncated: boolean;
}

/** Points per series, finest first: the series a finding rests on get the most. */
const TIERS_FOCUS = [60, 30, 12] as const;
const TIERS_RELATED = [30, 12] as const;
const TIERS = [24, 12] as const;
/** Monitors, events and logs together take at most this share of the budget. */
const SIGNALS_SHARE = 0.2;
/** Statistics leave at least this share of the budget for points. */
const POINTS_SHARE = 0.25;

interface Taken {
  readonly lines: string[];
  readonly count: number;
  readonly complete: boolean;
}

/**
 * Takes a section title and as many of `lines` as fit in `cap`, in order, and a note of how many
 * were left out. `count` is the number of `lines` taken.
 */
function takeSection(
  budget: TokenBudget,
  title: string,
  lines: readonly string[],
  cap: number,
  omitted: (n: number) => string,
): Taken {
  if (lines.length === 0) return { lines: [], count: 0, complete: true };
  const start = budget.used;
  const room = (): number => cap - (budget.used - start);
  const noteCost = budget.cost([omitted(lines.length)]);
  if (!budget.tryTake([title], room() - noteCost)) return { lines: [], count: 0, complete: false };
  const taken = [title];
  let count = 0;
  for (const [i, line] of lines.entries()) {
    const reserve = i === lines.length - 1 ? 0 : noteCost;
    if (!budget.tryTake([line], room() - reserve)) break;
    taken.push(line);
    count += 1;
  }
  if (count < lines.length) {
    const note = omitted(lines.length - count);
    if (budget.tryTake([note], room())) taken.push(note);
  }
  return { lines: taken, count, complete: count === lines.length };
}

function collect(evidence: Evidence): {
  series: Series[];
  monitors: MonitorInfo[];
  excluded: MonitorExclusion[];
  events: EventInfo[];
  logs: LogSummary[];
} {
  const out = {
    series: [] as Series[],
    monitors: [] as MonitorInfo[],
    excluded: [] as MonitorExclusion[],
    events: [] as EventInfo[],
    logs: [] as LogSummary[],
  };
  for (const r of evidence.results) {
    if (r.status !== "ok") continue;
    if (r.tool === "metrics") out.series.push(...r.series);
    else if (r.tool === "monitors") {
      out.monitors.push(...r.monitors);
      out.excluded.push(...(r.excluded ?? []));
    } else if (r.tool === "events") out.events.push(...r.events);
    else out.logs.push(r.logs);
  }
  return out;
}

/** Series whose shape says something: at least 3 values, not constant, or a finding rests on it. */
function worthPlotting(entry: RankedSeries): boolean {
  const values = entry.series.points.map((p) => p[1]).filter((v): v is number => v !== null);
  if (values.length < 3) return false;
  return entry.findings.length > 0 || Math.min(...values) !== Math.max(...values);
}

function signalLines(
  monitors: MonitorInfo[],
  excluded: MonitorExclusion[],
  events: EventInfo[],
  logs: LogSummary[],
  end: number,
): [string, string[]][] {
  const sections: [string, string[]][] = [];
  const left = monitorExclusionText(excluded);
  if (monitors.length > 0 || left)
    sections.push([
      `## Monitors (${monitors.length})`,
      [...monitorLines(monitors, end, 8), ...(left ? [left] : [])],
    ]);
  if (events.length > 0)
    sections.push([`## Events (${events.length}, changes first)`, eventLines(events, end, 8)]);
  for (const log of logs) {
    sections.push(["## Error logs", logLines(log, lttb(log.error_counts, 12), end, 5)]);
  }
  return sections;
}

/**
 * Formats the analysis and evidence for a model within `budgetTokens`: all findings with their
 * numbers first, then one line of statistics per series (most relevant first), monitors,
 * events and error logs, then shape-preserving downsampled points (LTTB) for the most relevant
 * series while the budget lasts. Offsets are relative to the window end; numbers are compact.
 */
export function formatContext(input: FormatContextInput): FormattedContext {
  const { analysis, evidence } = input;
  const { start, end, label } = evidence.window;
  const budget = new TokenBudget(Math.max(0, Math.floor(input.budgetTokens)), input.countTokens);
  const data = collect(evidence);
  const ranked = rankSeries(input.question, data.series, analysis.findings, analysis.stats);
  let truncated = false;

  const header = [
    `Window: ${label}, ${new Date(start).toISOString()} to ${new Date(end).toISOString()}. Times are offsets from the window end (-35m = 35 minutes before it); numbers have 3 significant digits (k=1e3, M=1e6, G=1e9).`,
  ];
  if (!budget.tryTake(header)) {
    return { text: "", tokens: 0, sections: { findings: 0, stats: 0, points: 0 }, truncated: true };
  }

  const findings = takeSection(
    budget,
    `## Findings (${analysis.findings.length}, strongest first)`,
    analysis.findings.map((f) => findingLine(f, end)),
    budget.remaining,
    (n) => `(${n} more findings left out)`,
  );
  truncated ||= !findings.complete;

  // Forecasts repeat numbers of findings for capacity questions; they go with them.
  const forecasts = takeSection(
    budget,
    "## Forecasts (bounded resources, at the window's trend)",
    (analysis.forecasts ?? []).map(forecastLine),
    Math.floor(budget.limit * SIGNALS_SHARE),
    (n) => `(${n} more forecasts left out)`,
  );
  truncated ||= !forecasts.complete;

  const signalsCap = Math.floor(budget.limit * SIGNALS_SHARE);
  const signalsStart = budget.used;
  const signals: string[] = [];
  for (const [title, lines] of signalLines(data.monitors, data.excluded, data.events, data.logs, end)) {
    const part = takeSection(
      budget,
      title,
      lines,
      signalsCap - (budget.used - signalsStart),
      (n) => `(${n} more left out)`,
    );
    signals.push(...part.lines);
    truncated ||= !part.complete;
  }

  const plottable = ranked.filter(worthPlotting);
  const pointsReserve = plottable.length > 0 ? Math.floor(budget.limit * POINTS_SHARE) : 0;
  const stats = takeSection(
    budget,
    `## Series (${ranked.length}, most relevant first)`,
    ranked.map((r) =>
      // The analysis' unit (it knows a pool usage is a share even when the source did not say).
      statsLine(r.label, r.kind, r.stats?.unit ?? r.series.unit, r.stats ?? basicStats(r.series.points)),
    ),
    budget.remaining - pointsReserve,
    (n) => `(${n} less relevant series left out)`,
  );
  truncated ||= !stats.complete;

  const points: string[] = [];
  let plotted = 0;
  const pointsTitle = "## Points (downsampled, shape-preserving; offset value)";
  for (const entry of plottable) {
    const tiers = entry.focus ? TIERS_FOCUS : entry.findings.length > 0 ? TIERS_RELATED : TIERS;
    let line: string | undefined;
    for (const tier of tiers) {
      const candidate = pointsLine(
        entry.label,
        lttb(entry.series.points, tier),
        entry.series.points.length,
        end,
      );
      if (budget.tryTake(plotted === 0 ? [pointsTitle, candidate] : [candidate])) {
        line = candidate;
        break;
      }
    }
    if (line === undefined) {
      truncated = true;
      break;
    }
    if (plotted === 0) points.push(pointsTitle);
    points.push(line);
    plotted += 1;
  }

  // Display order differs from the order the budget was spent in, and a few tokens can merge
  // across lines: re-count the joined text and trim from the least important end until it fits.
  const counts = { findings: findings.count, stats: stats.count, points: plotted };
  const parts = [header, findings.lines, forecasts.lines, stats.lines, signals, points];
  let text = parts.flat().join("\n");
  let tokens = input.countTokens(text);
  while (tokens > budget.limit) {
    const victim = [points, signals, stats.lines, forecasts.lines, findings.lines].find((p) => p.length > 0);
    if (!victim)
      return { text: "", tokens: 0, sections: { findings: 0, stats: 0, points: 0 }, truncated: true };
    victim.pop();
    if (victim === points && points.length === 1) points.pop();
    counts.points = Math.max(0, points.length - 1);
    counts.stats = Math.min(counts.stats, Math.max(0, stats.lines.length - 1));
    counts.findings = Math.min(counts.findings, Math.max(0, findings.lines.length - 1));
    truncated = true;
    text = parts.flat().join("\n");
    tokens = input.countTokens(text);
  }
  return { text, tokens, sections: counts, truncated };
}

/** Tokens of the raw evidence as JSON: what a naive prompt would cost. */
export function rawEvidenceTokens(evidence: Evidence, countTokens: TokenCounter): number {
  return countTokens(JSON.stringify(evidence));
}
