import type { Finding } from "../api/api-types";
import { formatValue, type SeriesUnit } from "../charts/unit-format";
import { clock, span } from "../format/time-text";

/** Evidence fields worth a line on the card, in the order a reader wants them; true for percentages. */
const NUMBERS: ReadonlyArray<readonly [string, string, boolean]> = [
  ["baseline", "baseline", false],
  ["level", "level", false],
  ["peak", "peak", false],
  ["current", "now", false],
  ["threshold", "threshold", false],
  ["change_pct", "change", true],
  ["error_rate_pct", "error rate", true],
];

/** A number of the evidence in the metric's unit (as its chart shows it), else as given. */
function number(
  value: number | string | undefined,
  pct: boolean,
  unit: SeriesUnit | undefined,
  raw?: string,
) {
  if (typeof value !== "number") return undefined;
  if (pct) return `${value > 0 ? "+" : ""}${Number(value.toPrecision(3))}%`;
  if (unit) return formatValue(value, unit);
  return `${Number(value.toPrecision(4))}${raw ? ` ${raw}` : ""}`;
}

/** Scrolls to the chart of a metric (the route lives in the URL's fragment, so no #anchor links). */
function showChart(metric: string): void {
  const chart = document.querySelector<HTMLElement>(`figure.chart[data-metric="${CSS.escape(metric)}"]`);
  if (!chart) return;
  chart.scrollIntoView({ behavior: "smooth", block: "start" });
  chart.setAttribute("tabindex", "-1");
  chart.focus({ preventScroll: true });
}

/** A finding as a card: severity, state and time first, then what it rests on and why. */
export function FindingCard(props: {
  readonly finding: Finding;
  readonly unit?: SeriesUnit;
  readonly charted: boolean;
}) {
  const { finding, charted } = props;
  const e = finding.evidence;
  const raw = typeof e.unit === "string" ? e.unit : undefined;
  const numbers = NUMBERS.flatMap(([key, label, pct]) => {
    const text = number(e[key], pct, props.unit, raw);
    return text === undefined ? [] : [{ label, text }];
  });
  return (
    <article class={`finding severity-${finding.severity}`} aria-labelledby={`finding-${finding.id}`}>
      <header class="finding-head">
        <span class={`badge severity-${finding.severity}`}>{finding.severity}</span>
        <span class={`badge state-${finding.state}`}>
          {finding.state === "recovered"
            ? `recovered${finding.recovered_at ? ` at ${clock(finding.recovered_at)}` : ""}`
            : "ongoing"}
        </span>
        <h3 id={`finding-${finding.id}`} class="finding-title">
          {finding.id} · {finding.category.replace(/_/g, " ")}
        </h3>
      </header>
      <p class="finding-summary">{finding.summary}</p>
      <p class="finding-meta">
        <span>{span(finding.window.start, finding.window.end)}</span>
        <span>
          <code>{finding.metric}</code>
        </span>
      </p>
      {numbers.length > 0 ? (
        <dl class="finding-numbers">
          {numbers.map((n) => (
            <div key={n.label}>
              <dt>{n.label}</dt>
              <dd>{n.text}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {finding.caused_by?.length ? (
        <p class="finding-cause">
          Caused by {finding.caused_by.join(", ")}
          {finding.cause_reason ? `: ${finding.cause_reason}` : ""}
        </p>
      ) : null}
      {finding.explains?.length ? <p class="finding-cause">Explains {finding.explains.join(", ")}</p> : null}
      {charted ? (
        <button type="button" class="link-button" onClick={() => showChart(finding.metric)}>
          Show its chart
        </button>
      ) : null}
    </article>
  );
}
