/** The kinds of signal the analyst reasons about; a metric maps to at most one. */
export type SignalKind =
  | "latency"
  | "errors"
  | "requests"
  | "cpu"
  | "memory"
  | "disk"
  | "network"
  | "saturation"
  | "gc"
  | "restarts";

export const SIGNAL_KINDS: readonly SignalKind[] = [
  "latency",
  "errors",
  "requests",
  "cpu",
  "memory",
  "disk",
  "network",
  "saturation",
  "gc",
  "restarts",
];

export type Aggregator = "avg" | "sum" | "max" | "min";
