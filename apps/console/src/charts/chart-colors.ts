import type { Severity } from "../api/api-types";

/**
 * The charts' colours, picked for contrast on white (text colours at least 4.5:1, lines 3:1) and
 * told apart by more than hue: thresholds are dashed, baselines dotted, markers solid and labelled.
 * The browser tests find the drawing by these exact values.
 */
export const CHART_COLORS = {
  series: ["#1d4ed8", "#0f766e", "#7e22ce", "#b45309", "#be185d", "#374151"],
  limit: "#111827",
  baseline: "#4b5563",
  event: "#6d28d9",
  severity: { critical: "#b91c1c", warning: "#a16207", info: "#1d4ed8" } satisfies Record<Severity, string>,
  window: {
    critical: "rgba(185, 28, 28, 0.12)",
    warning: "rgba(161, 98, 7, 0.12)",
    info: "rgba(29, 78, 216, 0.08)",
  } satisfies Record<Severity, string>,
} as const;
