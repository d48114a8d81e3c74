import type uPlot from "uplot";
import type { Point } from "../api/api-types";
import type { ChartPanel } from "./chart-options";
import type { ChartSpec } from "./chart-model";
import { formatValue } from "./unit-format";

const time = (ms: number, long: boolean) =>
  new Date(ms).toLocaleString(undefined, {
    ...(long ? { month: "short", day: "numeric" } : {}),
    hour: "2-digit",
    minute: "2-digit",
  });

/** The chart in words: what is drawn, over which time, and every mark on it (its text alternative). */
export function chartDescription(spec: ChartSpec): string {
  const long = spec.x[1] - spec.x[0] > 86_400_000;
  const shape =
    spec.layout === "single"
      ? "Line chart"
      : spec.layout === "stacked"
        ? `Stacked bars of ${spec.lines.length} groups`
        : `${spec.lines.length} small charts, one per group,`;
  const parts = [
    `${shape} of ${spec.title} from ${time(spec.x[0], long)} to ${time(spec.x[1], long)}` +
      ` (${spec.pointsRead} points read${spec.downsampled ? ", downsampled" : ""}).`,
  ];
  for (const w of spec.windows)
    parts.push(
      `Finding ${w.finding} (${w.severity}, ${w.state}) shaded from ${time(w.start, long)} to ${time(w.end, long)}.`,
    );
  for (const t of spec.thresholds)
    parts.push(`A line marks the ${t.label} at ${formatValue(t.value, spec.unit)}.`);
  for (const l of spec.limits) parts.push(`A dashed line shows the ${l.label}.`);
  for (const e of spec.events) parts.push(`A marker shows "${e.title}" at ${time(e.time, long)}.`);
  return parts.join(" ");
}

/** A series as exported: the points its chart plots, in the evidence's units and epoch ms. */
export interface ExportedSeries {
  readonly id: string;
  readonly label: string;
  readonly group: readonly string[];
  readonly points: readonly Point[];
}

/**
 * What the charts plot, read back from the uPlot instances (x in seconds back to epoch ms; the
 * values of stacked bars before stacking): each line keeps the times it has points at.
 */
export function chartPoints(
  spec: ChartSpec,
  panels: readonly ChartPanel[],
  charts: ReadonlyMap<number, uPlot>,
): { metric: string; unit: string | null; series: ExportedSeries[] } {
  const series = new Map<string, ExportedSeries>();
  panels.forEach((panel, p) => {
    const chart = charts.get(p);
    if (!chart) return;
    const xs = chart.data[0];
    panel.lines.forEach((line, i) => {
      if (series.has(line.id)) return;
      const owned = new Set(line.points.map(([t]) => t));
      const ys = panel.raw?.[i] ?? chart.data[i + 1] ?? [];
      const points: Point[] = [];
      xs.forEach((x, j) => {
        const t = Math.round(x * 1000);
        if (owned.has(t)) points.push([t, ys[j] ?? null]);
      });
      series.set(line.id, { id: line.id, label: line.label, group: line.group, points });
    });
  });
  return { metric: spec.metric, unit: spec.unit.unit, series: [...series.values()] };
}
