import type { Series } from "../evidence.js";
import type { MetricProfile } from "../metric-catalog.js";
import type { TimeWindow } from "../time-window.js";
import { fillingDetection, trendDetections } from "./capacity.js";
import type { Detection } from "./detection.js";
import { excursionDetections } from "./excursion-detections.js";
import { flatLineDetections } from "./flat-line.js";
import { mergeDetections } from "./merge-detections.js";
import { noDataDetections } from "./no-data.js";
import { prepareSeries, type PreparedSeries } from "./prepared-series.js";
import { foldRecurring } from "./recurring.js";
import { findSawtooth, sawtoothDetections } from "./sawtooth.js";
import { seriesModel } from "./series-model.js";
import { thresholdDetections } from "./thresholds.js";
import { zeroDetections } from "./zero-detections.js";

export interface SeriesDetectionOptions {
  /** A known upper bound for a memory series in bytes (e.g. from jvm.heap_memory_max), for exhaustion projections. */
  readonly memoryLimit?: number;
  /** The total a disk series in bytes fills up to (system.disk.total), making its bytes a share. */
  readonly limit?: number;
  /** Classify the series as this instead of by its metric name (log counts). */
  readonly profile?: MetricProfile;
}

/** Every detector run over one series, overlapping detections merged into one per anomaly. */
export function detectSeries(
  series: Series,
  window: TimeWindow,
  options: SeriesDetectionOptions = {},
): Detection[] {
  const windowMs = window.end - window.start;
  const out: Detection[] = [...noDataDetections(series, window)];
  const p = prepareSeries(series, options.profile, options.limit);
  if (p.values.length < 8) return withUnit(mergeDetections(out, 2 * p.intervalMs, windowMs), p);
  // A garbage-collection sawtooth climbs and falls by design: only its floor says whether memory leaks.
  const saw = p.kind === "memory" ? findSawtooth(p) : undefined;
  if (saw) {
    out.push(...sawtoothDetections(p, saw, windowMs, options.memoryLimit));
  } else {
    const model = seriesModel(p, windowMs);
    out.push(...excursionDetections(p, model, options.memoryLimit));
    const trends = trendDetections(p, model, options.memoryLimit);
    out.push(...trends);
    // A disk that began to fill inside the window has no window-long trend: project its recent climb.
    if (p.kind === "disk" && trends.length === 0) {
      const climb = out.find(
        (d) => (d.anomaly === "ramp" || d.anomaly === "step") && d.evidence.level !== undefined,
      );
      const filling = fillingDetection(p, windowMs, climb?.start);
      if (filling) out.push(filling);
    }
  }
  out.push(...thresholdDetections(p, windowMs));
  out.push(...flatLineDetections(p, windowMs));
  out.push(...zeroDetections(p, windowMs));
  const merged = foldRecurring(mergeDetections(out, 2 * p.intervalMs, windowMs), window);
  return withUnit(
    merged.map((d) => weighBlip(withState(d, p, window), p)),
    p,
  );
}

/** Ongoing when it still holds at the series' latest point (or the series stopped), else recovered. */
function withState(d: Detection, p: PreparedSeries, window: TimeWindow): Detection {
  const last = p.times[p.times.length - 1] ?? window.end;
  const ongoing = d.anomaly === "nodata" ? d.end >= last : d.end >= last - 1.5 * p.intervalMs;
  return ongoing
    ? { ...d, state: "ongoing" }
    : { ...d, state: "recovered", recovered_at: Math.min(window.end, d.end + p.intervalMs) };
}

/** Anomalies that a handful of points can show on their own (not a silence, a flat line or a breach). */
const BLIPS = new Set(["spike", "burst", "dip", "drop", "step", "ramp"]);
/** An episode shorter than this, over at most three points, is a blip: at most a warning. */
const BLIP_MS = 5 * 60_000;

/**
 * One sample is never an incident on its own: a single point is context (info), and two or
 * three points over less than five minutes are at most a warning. Sustained trouble spans more.
 */
function weighBlip(d: Detection, p: PreparedSeries): Detection {
  if (!BLIPS.has(d.anomaly) || d.severity === "info") return d;
  let points = 0;
  for (const t of p.times) if (t >= d.start && t <= d.end) points++;
  const lasted = d.end - d.start + p.intervalMs;
  if (points <= 1) return { ...d, severity: "info", evidence: { ...d.evidence, points, blip: "one sample" } };
  if (points <= 3 && lasted < BLIP_MS && d.severity === "critical")
    return { ...d, severity: "warning", evidence: { ...d.evidence, points, blip: "a few samples" } };
  return d;
}

/**
 * Every finding of a series carries its unit, and whether low is bad for it (usable memory,
 * idle CPU), so its numbers and words read the same way everywhere.
 */
function withUnit(detections: Detection[], p: PreparedSeries): Detection[] {
  const extra: Record<string, string> = {
    ...(p.unit !== undefined ? { unit: p.unit } : {}),
    ...(p.profile?.higherIsWorse === false ? { low_is_bad: "yes" } : {}),
  };
  return detections.map((d) => ({ ...d, evidence: { ...extra, ...d.evidence } }));
}
