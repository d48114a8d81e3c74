import type {
  Evidence,
  EvidenceEvent,
  EvidenceSeries,
  EvidenceThreshold,
  EvidenceWindow,
  Point,
} from "../api/api-types";
import type { SeriesUnit } from "./unit-format";

/**
 * How a chart draws its series: one line; a breakdown (one metric, several groups) as small
 * multiples on a shared scale; or, when the parts add up to a whole (counts summed over the
 * groups), as stacked bars.
 */
export type ChartLayout = "single" | "multiples" | "stacked";

export interface ChartLine {
  readonly id: string;
  readonly label: string;
  readonly group: readonly string[];
  readonly points: readonly Point[];
}

/** One chart of the evidence: a metric, or one breakdown of it (its series grouped by the same tags). */
export interface ChartSpec {
  readonly key: string;
  readonly metric: string;
  readonly title: string;
  /** The tag keys of a breakdown ("host", "endpoint"); empty for an ungrouped series. */
  readonly by: readonly string[];
  readonly role: "finding" | "key";
  readonly findings: readonly string[];
  readonly unit: SeriesUnit;
  readonly layout: ChartLayout;
  readonly lines: readonly ChartLine[];
  /** The limit the service reports beside the metric (max connections, heap max…). */
  readonly limits: readonly ChartLine[];
  readonly windows: readonly EvidenceWindow[];
  readonly thresholds: readonly EvidenceThreshold[];
  readonly events: readonly EvidenceEvent[];
  /** Epoch ms of the chart's x axis: the window read. */
  readonly x: readonly [number, number];
  /** The y range: the data, thresholds and limits, with a margin; from 0 for non-negative data. */
  readonly y: readonly [number, number];
  readonly pointsRead: number;
  readonly downsampled: boolean;
}

const tagKey = (tag: string): string => tag.split(":", 1)[0] ?? tag;
/** Events worth a vertical marker: what changed the service. */
const MARKED = new Set<EvidenceEvent["type"]>(["deploy", "config"]);

function stackable(series: readonly EvidenceSeries[]): boolean {
  const first = series[0];
  if (!first || (first.unit_family ?? "count") !== "count") return false;
  return series.every((s) => /^sum:/.test(s.query) || /\.as_count\(\)/.test(s.query));
}

function valuesOf(lines: readonly ChartLine[], extra: readonly number[]): number[] {
  const values = lines.flatMap((l) => l.points.flatMap(([, v]) => (v === null ? [] : [v])));
  return [...values, ...extra];
}

/** The y range of the chart: every value, threshold and limit visible, 6% of air above and below. */
export function yRange(values: readonly number[], stacked: readonly number[] = []): [number, number] {
  const all = [...values, ...stacked].filter(Number.isFinite);
  if (all.length === 0) return [0, 1];
  let min = Math.min(...all);
  const max = Math.max(...all);
  if (min >= 0 && min <= (max - min) * 2) min = 0;
  if (max === min) {
    const pad = Math.abs(max) > 0 ? Math.abs(max) * 0.1 : 1;
    return [min === 0 ? 0 : min - pad, max + pad];
  }
  const air = (max - min) * 0.06;
  return [min === 0 ? 0 : min - air, max + air];
}

/** Sums of a stacked breakdown at each timestamp (the top of the stack). */
function stackTops(lines: readonly ChartLine[]): number[] {
  const sums = new Map<number, number>();
  for (const line of lines)
    for (const [t, v] of line.points) if (v !== null) sums.set(t, (sums.get(t) ?? 0) + v);
  return [...sums.values()];
}

/**
 * The charts of an evidence response, in its order (findings' metrics first): series of one
 * metric grouped by the same tag keys make one chart; a limit series joins the chart of the metric
 * it bounds; the findings' windows, their thresholds and the deploy and config events go on every
 * chart they concern.
 */
export function chartSpecs(evidence: Evidence): ChartSpec[] {
  const x: [number, number] = evidence.window
    ? [evidence.window.start, evidence.window.end]
    : [
        Math.min(...evidence.series.flatMap((s) => s.points.map(([t]) => t))),
        Math.max(...evidence.series.flatMap((s) => s.points.map(([t]) => t))),
      ];
  const events = evidence.events.filter((e) => MARKED.has(e.type) && e.time >= x[0] && e.time <= x[1]);
  const groups = new Map<string, EvidenceSeries[]>();
  for (const series of evidence.series) {
    if (series.role === "limit") continue;
    const by = [...new Set(series.group.map(tagKey))].sort();
    const key = `${series.metric}|${by.join(",")}`;
    groups.set(key, [...(groups.get(key) ?? []), series]);
  }
  return [...groups].map(([key, series]): ChartSpec => {
    const first = series[0] as EvidenceSeries;
    const by = key.split("|")[1]?.split(",").filter(Boolean) ?? [];
    const lines = series.map((s) => ({ id: s.id, label: s.label, group: s.group, points: s.points }));
    const limits = evidence.series
      .filter((s) => s.role === "limit" && s.limit_of === first.metric)
      .map((s) => ({ id: s.id, label: `limit: ${s.label}`, group: s.group, points: s.points }));
    const thresholds = evidence.thresholds.filter((t) => t.metric === first.metric);
    const layout: ChartLayout = lines.length === 1 ? "single" : stackable(series) ? "stacked" : "multiples";
    const limitValues = valuesOf(
      limits,
      thresholds.map((t) => t.value),
    );
    return {
      key,
      metric: first.metric,
      title: by.length > 0 ? `${first.metric} by ${by.join(", ")}` : first.label,
      by,
      role: first.role === "finding" ? "finding" : "key",
      findings: first.findings,
      unit: { unit: first.unit, family: first.unit_family, scale: first.unit_scale },
      layout,
      lines,
      limits,
      windows: evidence.windows.filter((w) => w.metric === first.metric && w.end >= x[0] && w.start <= x[1]),
      thresholds,
      events,
      x,
      y: yRange([...valuesOf(lines, []), ...limitValues], layout === "stacked" ? stackTops(lines) : []),
      pointsRead: series.reduce((n, s) => n + s.points_read, 0),
      downsampled: series.some((s) => s.downsampled),
    };
  });
}

/**
 * uPlot's data for lines that share a chart: one x array (seconds, the union of their timestamps)
 * and one y array per line, null where a line has no point at that time.
 */
export function alignedData(lines: readonly ChartLine[]): [number[], ...Array<Array<number | null>>] {
  const times = [...new Set(lines.flatMap((l) => l.points.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const ys = lines.map((line) => {
    const y: Array<number | null> = new Array<number | null>(times.length).fill(null);
    for (const [t, v] of line.points) y[index.get(t) ?? 0] = v;
    return y;
  });
  return [times.map((t) => t / 1000), ...ys];
}

/** Cumulative sums of aligned y arrays, bottom first: what stacked bars draw. */
export function stacked(ys: ReadonlyArray<ReadonlyArray<number | null>>): Array<Array<number | null>> {
  const out: Array<Array<number | null>> = [];
  let below: Array<number | null> = [];
  for (const y of ys) {
    const sum = y.map((v, i) => (v === null ? (below[i] ?? null) : v + (below[i] ?? 0)));
    out.push(sum);
    below = sum;
  }
  return out;
}
