import { useCallback, useMemo, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import { CHART_COLORS } from "./chart-colors";
import { chartOptions, type ChartPanel } from "./chart-options";
import type { ChartSpec } from "./chart-model";
import { chartDescription, chartPoints } from "./chart-text";
import { formatValue } from "./unit-format";
import { UPlotChart } from "./uplot-chart";

/** One chart of the evidence, with its key, a text alternative, its data as a table and a download. */
export function EvidenceChart({ spec }: { readonly spec: ChartSpec }) {
  const panels = useMemo(() => chartOptions(spec), [spec]);
  const charts = useRef(new Map<number, uPlot>());
  const register = useCallback((index: number, chart: uPlot | undefined) => {
    if (chart) charts.current.set(index, chart);
    else charts.current.delete(index);
  }, []);
  const description = chartDescription(spec);
  const download = useCallback(() => {
    const points = chartPoints(spec, panels, charts.current);
    const blob = new Blob([JSON.stringify(points, null, 1)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${spec.metric}${spec.by.length > 0 ? `-by-${spec.by.join("-")}` : ""}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }, [spec, panels]);

  return (
    <figure
      class={`chart chart-${spec.layout}`}
      data-metric={spec.metric}
      aria-labelledby={`title-${spec.key}`}
    >
      <header class="chart-head">
        <h3 id={`title-${spec.key}`} class="chart-title">
          {spec.title}
        </h3>
        <span class={`chip ${spec.role === "finding" ? "chip-finding" : ""}`}>
          {spec.role === "finding" ? `finding ${spec.findings.join(", ")}` : "key series"}
        </span>
      </header>
      <div class={spec.layout === "multiples" ? "multiples" : undefined}>
        {panels.map((panel, i) => (
          <Panel
            key={`${spec.key}-${i}`}
            index={i}
            panel={panel}
            label={i === 0 ? description : `${spec.title}: ${panel.title ?? ""}`}
            register={register}
          />
        ))}
      </div>
      <ChartKey spec={spec} />
      <figcaption class="chart-caption">{description}</figcaption>
      <div class="chart-actions">
        <button type="button" class="link-button" onClick={download}>
          Download data (JSON)
        </button>
        <DataTable spec={spec} />
      </div>
    </figure>
  );
}

interface PanelProps {
  readonly index: number;
  readonly panel: ChartPanel;
  readonly label: string;
  readonly register: (index: number, chart: uPlot | undefined) => void;
}

function Panel({ index, panel, label, register }: PanelProps) {
  const onChart = useCallback((chart: uPlot | undefined) => register(index, chart), [register, index]);
  return (
    <div class="chart-panel">
      {panel.title ? <p class="panel-title">{panel.title}</p> : null}
      <UPlotChart
        options={panel.options}
        data={panel.data}
        height={panel.height}
        label={label}
        onChart={onChart}
      />
    </div>
  );
}

/** What the marks on the chart mean, in words and colours. */
function ChartKey({ spec }: { readonly spec: ChartSpec }) {
  const items: Array<{ cls: string; color: string; text: string }> = [];
  for (const w of spec.windows)
    items.push({
      cls: "key-window",
      color: CHART_COLORS.window[w.severity],
      text: `${w.finding} window (${w.severity}, ${w.state})`,
    });
  for (const t of spec.thresholds)
    items.push({
      cls: t.level === "baseline" ? "key-baseline" : "key-threshold",
      color: t.level === "baseline" ? CHART_COLORS.baseline : CHART_COLORS.severity[t.level],
      text: `${t.label} ${formatValue(t.value, spec.unit)}`,
    });
  for (const l of spec.limits) items.push({ cls: "key-limit", color: CHART_COLORS.limit, text: l.label });
  for (const e of spec.events) items.push({ cls: "key-event", color: CHART_COLORS.event, text: e.title });
  if (items.length === 0) return null;
  return (
    <ul class="chart-key" aria-label="Chart key">
      {items.map((item, i) => (
        <li key={i}>
          <span class={`swatch ${item.cls}`} style={{ "--swatch": item.color }} aria-hidden="true" />
          {item.text}
        </li>
      ))}
    </ul>
  );
}

/** The plotted points as a table, for keyboard and screen-reader users (rendered when opened). */
function DataTable({ spec }: { readonly spec: ChartSpec }) {
  const [open, setOpen] = useState(false);
  return (
    <details class="data-table" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Show data table</summary>
      {open ? (
        <div class="table-scroll" tabIndex={0}>
          <table>
            <caption class="visually-hidden">{spec.title}</caption>
            <thead>
              <tr>
                <th scope="col">time</th>
                <th scope="col">series</th>
                <th scope="col">value</th>
              </tr>
            </thead>
            <tbody>
              {[...spec.lines, ...spec.limits].flatMap((line) =>
                line.points.map(([t, v]) => (
                  <tr key={`${line.id}-${t}`}>
                    <td>{new Date(t).toLocaleString()}</td>
                    <td>{line.label}</td>
                    <td>{formatValue(v, spec.unit)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </div>
      ) : null}
    </details>
  );
}
