import uPlot from "uplot";
import type { EvidenceEvent, EvidenceThreshold, EvidenceWindow } from "../api/api-types";
import { CHART_COLORS } from "./chart-colors";
import { formatValue, type SeriesUnit } from "./unit-format";

export interface Overlays {
  readonly windows: readonly EvidenceWindow[];
  readonly thresholds: readonly EvidenceThreshold[];
  readonly events: readonly EvidenceEvent[];
  readonly unit: SeriesUnit;
  /** Small multiples label less: their panels are small and share one legend. */
  readonly labels: boolean;
}

const short = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Text on a white backing, so a label stays legible over the lines it crosses. */
function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, color: string): void {
  const width = ctx.measureText(text).width;
  const height = parseInt(ctx.font, 10) * 1.25;
  const left = ctx.textAlign === "right" ? x - width : x;
  const top = ctx.textBaseline === "bottom" ? y - height : y;
  ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
  ctx.fillRect(left - 2, top, width + 4, height);
  ctx.fillStyle = color;
  ctx.fillText(text, x, ctx.textBaseline === "bottom" ? y - height * 0.1 : y + height * 0.1);
}

/**
 * Draws what the answer says about a series on its chart: each finding's window shaded in its
 * severity's colour (under the data), thresholds and baselines as horizontal lines, deploy and
 * config events as vertical markers (over it), each labelled.
 */
export function overlayPlugin(overlays: Overlays): uPlot.Plugin {
  const px = uPlot.pxRatio;
  const font = `${Math.round(11 * px)}px system-ui, sans-serif`;

  const shade = (u: uPlot) => {
    const { ctx, bbox } = u;
    ctx.save();
    for (const w of overlays.windows) {
      const left = Math.max(bbox.left, u.valToPos(w.start / 1000, "x", true));
      const right = Math.min(bbox.left + bbox.width, u.valToPos(w.end / 1000, "x", true));
      if (right <= left) continue;
      ctx.fillStyle = CHART_COLORS.window[w.severity];
      ctx.fillRect(left, bbox.top, right - left, bbox.height);
      if (overlays.labels) {
        ctx.font = font;
        ctx.textBaseline = "top";
        label(ctx, w.finding, left + 4 * px, bbox.top + 4 * px, CHART_COLORS.severity[w.severity]);
      }
    }
    ctx.restore();
  };

  const lines = (u: uPlot) => {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.font = font;
    ctx.lineWidth = 1.5 * px;
    for (const t of overlays.thresholds) {
      const y = Math.round(u.valToPos(t.value, "y", true));
      if (y < bbox.top || y > bbox.top + bbox.height) continue;
      const color = t.level === "baseline" ? CHART_COLORS.baseline : CHART_COLORS.severity[t.level];
      ctx.strokeStyle = color;
      ctx.setLineDash(t.level === "baseline" ? [2 * px, 3 * px] : [6 * px, 4 * px]);
      ctx.beginPath();
      ctx.moveTo(bbox.left, y);
      ctx.lineTo(bbox.left + bbox.width, y);
      ctx.stroke();
      if (overlays.labels) {
        ctx.textAlign = "right";
        ctx.textBaseline = "bottom";
        const text = `${t.label} ${formatValue(t.value, overlays.unit)}`;
        label(ctx, text, bbox.left + bbox.width - 4 * px, y - 2 * px, color);
      }
    }
    ctx.setLineDash([]);
    for (const e of overlays.events) {
      const x = Math.round(u.valToPos(e.time / 1000, "x", true));
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      ctx.strokeStyle = CHART_COLORS.event;
      ctx.lineWidth = 2 * px;
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      if (overlays.labels) {
        ctx.textAlign = x > bbox.left + bbox.width / 2 ? "right" : "left";
        ctx.textBaseline = "top";
        const offset = (ctx.textAlign === "right" ? -4 : 4) * px;
        label(ctx, short(e.title, 40), x + offset, bbox.top + 20 * px, CHART_COLORS.event);
      }
    }
    ctx.restore();
  };

  return { hooks: { drawClear: [shade], draw: [lines] } };
}
