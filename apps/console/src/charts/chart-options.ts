import uPlot from "uplot";
import { CHART_COLORS } from "./chart-colors";
import { alignedData, stacked, type ChartLine, type ChartSpec } from "./chart-model";
import { overlayPlugin } from "./chart-overlays";
import { axisLabel, formatValue, formatValues } from "./unit-format";

/** One uPlot chart of a spec: the whole chart, or one panel of small multiples. */
export interface ChartPanel {
  readonly title?: string;
  readonly options: Omit<uPlot.Options, "width" | "height">;
  readonly data: uPlot.AlignedData;
  readonly height: number;
  /** The lines plotted, in uPlot's series order (after x). */
  readonly lines: readonly ChartLine[];
  /** For stacked bars: the values of each line as aligned (the chart draws their running sums). */
  readonly raw?: ReadonlyArray<ReadonlyArray<number | null>>;
}

const AXIS = {
  stroke: "#374151",
  grid: { stroke: "#e5e7eb", width: 1 },
  ticks: { stroke: "#d1d5db", width: 1 },
};

function axes(spec: ChartSpec, compact: boolean): uPlot.Axis[] {
  return [
    { ...AXIS },
    {
      ...AXIS,
      label: compact ? undefined : axisLabel(spec.unit),
      labelSize: compact ? 0 : 18,
      size: compact ? 56 : 72,
      values: (_u, splits) => formatValues(splits, spec.unit),
    },
  ];
}

/** Whether a window or threshold belongs on the panel of `group` (its own group, or the whole metric's). */
const onGroup = (group: readonly string[]) => (mark: { readonly group: readonly string[] | null }) =>
  mark.group === null || mark.group.join() === group.join();

/** What every chart of a spec shares; a small multiple passes its group, to show only its own marks. */
function base(
  spec: ChartSpec,
  compact: boolean,
  legend: boolean,
  group?: readonly string[],
): Omit<uPlot.Options, "width" | "height" | "series"> {
  return {
    scales: {
      x: { time: true, range: () => [spec.x[0] / 1000, spec.x[1] / 1000] },
      y: { range: () => [spec.y[0], spec.y[1]] },
    },
    axes: axes(spec, compact),
    legend: { show: legend, live: true },
    cursor: { sync: { key: spec.key }, drag: { x: false, y: false } },
    plugins: [
      overlayPlugin({
        windows: group ? spec.windows.filter(onGroup(group)) : spec.windows,
        thresholds: group ? spec.thresholds.filter(onGroup(group)) : spec.thresholds,
        events: spec.events,
        unit: spec.unit,
        labels: !compact,
      }),
    ],
  };
}

/** The legend's live value: the value under the cursor, a dash where there is none. */
const valueOf = (spec: ChartSpec) => (_u: uPlot, v: number | null) =>
  v === null ? "–" : formatValue(v, spec.unit);

function lineSeries(spec: ChartSpec, line: ChartLine, i: number): uPlot.Series {
  return {
    label: line.label,
    stroke: CHART_COLORS.series[i % CHART_COLORS.series.length],
    width: 2,
    points: { show: false },
    value: valueOf(spec),
  };
}

function limitSeries(spec: ChartSpec, line: ChartLine): uPlot.Series {
  return {
    label: line.label,
    stroke: CHART_COLORS.limit,
    width: 1.5,
    dash: [8, 4],
    spanGaps: true,
    points: { show: false },
    value: valueOf(spec),
  };
}

/** The uPlot charts that draw a spec: one, or one per group of a breakdown shown as small multiples. */
export function chartOptions(spec: ChartSpec): ChartPanel[] {
  if (spec.layout === "multiples") {
    return spec.lines.map((line) => {
      const limits = spec.limits.filter((l) => l.group.length === 0 || l.group.join() === line.group.join());
      const lines = [line, ...limits];
      return {
        title: line.group.join(", "),
        options: {
          ...base(spec, true, false, line.group),
          series: [{}, lineSeries(spec, line, 0), ...limits.map((l) => limitSeries(spec, l))],
        },
        data: alignedData(lines),
        height: 140,
        lines,
      };
    });
  }
  if (spec.layout === "stacked") {
    const [x, ...ys] = alignedData(spec.lines);
    const sums = stacked(ys);
    // The tallest stack is drawn first, each smaller one over it: the bars read as segments.
    const order = spec.lines.map((_, i) => i).reverse();
    const bars = uPlot.paths.bars?.({ size: [0.9, 64] });
    return [
      {
        options: {
          ...base(spec, false, true),
          series: [
            {},
            ...order.map((i): uPlot.Series => {
              const color = CHART_COLORS.series[i % CHART_COLORS.series.length];
              return {
                label: spec.lines[i]?.label ?? "",
                stroke: color,
                fill: color,
                ...(bars ? { paths: bars } : {}),
                points: { show: false },
                value: (_u, _v, _si, idx) => {
                  const raw = idx === null ? null : (ys[i]?.[idx] ?? null);
                  return raw === null ? "–" : formatValue(raw, spec.unit);
                },
              };
            }),
          ],
        },
        data: [x, ...order.map((i) => sums[i] ?? [])],
        height: 260,
        lines: order.map((i) => spec.lines[i] as ChartLine),
        raw: order.map((i) => ys[i] ?? []),
      },
    ];
  }
  const lines = [...spec.lines, ...spec.limits];
  return [
    {
      options: {
        ...base(spec, false, true),
        series: [
          {},
          ...spec.lines.map((line, i) => lineSeries(spec, line, i)),
          ...spec.limits.map((line) => limitSeries(spec, line)),
        ],
      },
      data: alignedData(lines),
      height: 240,
      lines,
    },
  ];
}
