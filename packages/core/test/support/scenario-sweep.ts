import type { Finding, FindingCategory } from "../../src/finding.js";
import type { ScenarioInput } from "../../src/scenario/scenario-schema.js";
import { offsetMs } from "../../src/scenario/scenario-generator.js";
import { parseDuration } from "../../src/time-window.js";
import { analyzeEvidence } from "../../src/analysis/analyze-evidence.js";
import { scenarioEvidence } from "./scenario-evidence.js";

/** One generated case: a scenario and what the analyst must (and must not) find in it. */
export interface SweepCase {
  readonly name: string;
  readonly scenario: ScenarioInput;
  readonly expected: ReadonlyArray<{
    readonly category: FindingCategory;
    readonly metric: string;
    readonly start: string;
  }>;
}

export interface SweepOutcome {
  readonly name: string;
  readonly expected: number;
  readonly found: number;
  readonly falsePositives: readonly Finding[];
  readonly missed: readonly string[];
}

/** Deterministic pseudo-random numbers for generating cases. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

type Series = ScenarioInput["series"][number];

/** A web service's usual series with the given noise; traffic and CPU follow a daily cycle. */
export function webSeries(noise: number, seasonal: number, peakHour: number): Series[] {
  return [
    {
      metric: "trace.http.request.hits",
      baseline: 1200,
      noise,
      integer: true,
      seasonality: { amplitude: seasonal, peak_hour: peakHour },
    },
    { metric: "trace.http.request.errors", baseline: 2, noise: 0.3, integer: true },
    { metric: "trace.http.request.duration.by.service.95p", baseline: 0.24, noise },
    {
      metric: "system.cpu.user",
      baseline: 32,
      noise,
      max: 100,
      seasonality: { amplitude: seasonal * 0.7, peak_hour: peakHour },
    },
    { metric: "system.mem.pct_usable", baseline: 0.58, noise: Math.min(noise, 0.03), max: 1 },
    { metric: "system.disk.in_use", baseline: 0.41, noise: 0.004, max: 1 },
  ];
}

/** Matches findings to expectations: same category and metric, start within tolerance. */
export function scoreCase(c: SweepCase): SweepOutcome {
  const { evidence, plan } = scenarioEvidence(c.scenario);
  const analysis = analyzeEvidence({ evidence, plan });
  const windowMs = evidence.window.end - evidence.window.start;
  const tolerance = Math.max(20 * 60_000, 0.1 * windowMs);
  const significant = analysis.findings.filter((f) => f.severity !== "info");
  const matched = new Set<Finding>();
  const missed: string[] = [];
  let found = 0;
  for (const e of c.expected) {
    const at = evidence.window.end + offsetMs(e.start);
    const hit = significant.find(
      (f) =>
        f.category === e.category &&
        (e.metric === "*" || f.metric === e.metric) &&
        Math.abs(f.window.start - at) <= tolerance,
    );
    if (hit) {
      found++;
      matched.add(hit);
    } else missed.push(`${e.category} ${e.metric} ${e.start}`);
  }
  // Every unmatched warning is a false positive, including a second finding for the same incident.
  const falsePositives = significant.filter((f) => !matched.has(f));
  return { name: c.name, expected: c.expected.length, found, falsePositives, missed };
}

const windowMsOf = (w: string): number => parseDuration(w) ?? 3_600_000;

/** Generated cases: every incident type on fitting metrics, windows of 1 h, 24 h and 7 d, quiet services. */
export function sweepCases(count: number, seed = 1): SweepCase[] {
  const rnd = lcg(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const cases: SweepCase[] = [];
  const windows = ["1h", "24h", "7d", "4h", "12h", "2d"] as const;
  const kinds = [
    "spike-latency",
    "step-latency",
    "ramp-latency",
    "burst-errors",
    "dip-traffic",
    "drop-traffic",
    "surge-traffic",
    "ramp-cpu",
    "spike-cpu",
    "step-cpu",
    "leak-memory",
    "leak-heap",
    "step-memory",
    "fill-disk",
    "pool",
    "flatline",
    "nodata",
    "quiet",
    "quiet",
    "oscillation",
    "errors-step",
    "spike-then-step",
    "double",
    "dead-traffic",
  ] as const;
  for (let i = 0; i < count; i++) {
    const window = pick(windows);
    const wms = windowMsOf(window);
    const noise = 0.05 + rnd() * 0.1;
    const seasonal = rnd() < 0.7 ? 0.2 + rnd() * 0.2 : 0;
    const series = webSeries(noise, seasonal, Math.floor(rnd() * 24));
    const kind = pick(kinds);
    // Start somewhere in the window, leaving room before it for a baseline.
    const startMin = Math.round((0.05 + rnd() * 0.6) * (wms / 60_000));
    const start = `-${Math.max(10, startMin)}m`;
    const set = (metric: string, patch: Partial<Series>): void => {
      const s = series.find((x) => x.metric === metric);
      if (s) Object.assign(s, patch);
    };
    const expected: Array<{ category: FindingCategory; metric: string; start: string }> = [];
    const lat = "trace.http.request.duration.by.service.95p";
    const short = `-${Math.max(5, startMin - Math.max(10, Math.round(wms / 60_000 / 40)))}m`;
    switch (kind) {
      case "spike-latency":
        set(lat, { incidents: [{ type: "spike", start, end: short, factor: 2.5 + rnd() * 2 }] });
        expected.push({ category: "latency", metric: lat, start });
        break;
      case "step-latency":
        set(lat, { incidents: [{ type: "step", start, factor: 1.6 + rnd() * 1.5 }] });
        expected.push({ category: "latency", metric: lat, start });
        break;
      case "ramp-latency":
        set(lat, { incidents: [{ type: "ramp", start, end: short, factor: 2 + rnd() }] });
        expected.push({ category: "latency", metric: lat, start });
        break;
      case "burst-errors":
        set("trace.http.request.errors", {
          incidents: [{ type: "burst", start, end: short, factor: 10 + rnd() * 30 }],
        });
        expected.push({ category: "errors", metric: "trace.http.request.errors", start });
        break;
      case "dip-traffic":
        set("trace.http.request.hits", {
          incidents: [{ type: "dip", start, end: short, factor: 0.2 + rnd() * 0.3 }],
        });
        expected.push({ category: "traffic", metric: "trace.http.request.hits", start });
        break;
      case "drop-traffic":
        set("trace.http.request.hits", { incidents: [{ type: "step", start, factor: 0.3 + rnd() * 0.3 }] });
        expected.push({ category: "traffic", metric: "trace.http.request.hits", start });
        break;
      case "surge-traffic":
        set("trace.http.request.hits", {
          incidents: [{ type: "spike", start, end: short, factor: 2.5 + rnd() * 2 }],
        });
        expected.push({ category: "traffic", metric: "trace.http.request.hits", start });
        break;
      case "ramp-cpu":
        set("system.cpu.user", { incidents: [{ type: "ramp", start, end: short, to: 90 + rnd() * 8 }] });
        expected.push({ category: "saturation", metric: "system.cpu.user", start });
        break;
      case "spike-cpu":
        set("system.cpu.user", { incidents: [{ type: "spike", start, end: short, factor: 2.5 + rnd() }] });
        expected.push({ category: "saturation", metric: "system.cpu.user", start });
        break;
      case "step-cpu":
        set("system.cpu.user", { incidents: [{ type: "step", start, factor: 1.7 + rnd() }] });
        expected.push({ category: "saturation", metric: "system.cpu.user", start });
        break;
      case "leak-memory":
        set("system.mem.pct_usable", { incidents: [{ type: "leak", start, to: 0.05 + rnd() * 0.15 }] });
        expected.push({ category: "memory_leak", metric: "system.mem.pct_usable", start });
        break;
      case "leak-heap":
        series.push({
          metric: "jvm.heap_memory",
          baseline: 1.1e9,
          noise: 0.02,
          incidents: [{ type: "leak", start, factor: 2 + rnd() * 2 }],
        });
        expected.push({ category: "memory_leak", metric: "jvm.heap_memory", start });
        break;
      case "step-memory":
        set("system.mem.pct_usable", { incidents: [{ type: "step", start, factor: 0.3 + rnd() * 0.3 }] });
        expected.push({ category: "saturation", metric: "system.mem.pct_usable", start });
        break;
      case "fill-disk":
        set("system.disk.in_use", {
          incidents: [{ type: "ramp", start: `-${Math.round(wms / 60_000)}m`, to: 0.9 + rnd() * 0.07 }],
        });
        expected.push({
          category: "capacity",
          metric: "system.disk.in_use",
          start: `-${Math.round(wms / 60_000)}m`,
        });
        break;
      case "pool":
        series.push({
          metric: "postgresql.percent_usage_connections",
          baseline: 0.55,
          noise: 0.04,
          max: 1,
          incidents: [{ type: "ramp", start, end: short, to: 0.93 + rnd() * 0.05 }],
        });
        expected.push({ category: "saturation", metric: "postgresql.percent_usage_connections", start });
        break;
      case "flatline":
        set("system.cpu.user", {
          incidents: [
            {
              type: "flatline",
              start,
              end:
                rnd() < 0.5
                  ? "0"
                  : `-${Math.max(0, startMin - Math.max(15, Math.round(wms / 60_000 / 15)))}m`,
            },
          ],
        });
        expected.push({ category: "availability", metric: "system.cpu.user", start });
        break;
      case "nodata":
        set(lat, {
          incidents: [
            {
              type: "nodata",
              start,
              end:
                rnd() < 0.5
                  ? "0"
                  : `-${Math.max(0, startMin - Math.max(15, Math.round(wms / 60_000 / 15)))}m`,
            },
          ],
        });
        expected.push({ category: "availability", metric: lat, start });
        break;
      case "quiet":
        break;
      case "oscillation":
        set(lat, {
          incidents: [
            {
              type: "oscillation",
              start,
              end: short,
              factor: 2 + rnd(),
              period: `${Math.max(10, Math.round(wms / 60_000 / 30))}m`,
            },
          ],
        });
        expected.push({ category: "latency", metric: lat, start });
        break;
      case "errors-step":
        set("trace.http.request.errors", {
          baseline: 40,
          incidents: [{ type: "step", start, factor: 2.5 + rnd() * 3 }],
        });
        expected.push({ category: "errors", metric: "trace.http.request.errors", start });
        break;
      case "spike-then-step": {
        const early = `-${Math.round((wms / 60_000) * 0.85)}m`;
        const earlyEnd = `-${Math.round((wms / 60_000) * 0.85) - Math.max(10, Math.round(wms / 60_000 / 40))}m`;
        set(lat, {
          incidents: [
            { type: "spike", start: early, end: earlyEnd, factor: 8 },
            { type: "step", start: `-${Math.max(10, Math.round(startMin / 2))}m`, factor: 1.8 },
          ],
        });
        expected.push(
          { category: "latency", metric: lat, start: early },
          { category: "latency", metric: lat, start: `-${Math.max(10, Math.round(startMin / 2))}m` },
        );
        break;
      }
      case "double":
        set("trace.http.request.errors", { incidents: [{ type: "burst", start, end: short, factor: 25 }] });
        set(lat, { incidents: [{ type: "step", start, factor: 2 }] });
        expected.push(
          { category: "errors", metric: "trace.http.request.errors", start },
          { category: "latency", metric: lat, start },
        );
        break;
      case "dead-traffic":
        set("trace.http.request.hits", { incidents: [{ type: "flatline", start, end: "0", value: 0 }] });
        expected.push({ category: "availability", metric: "trace.http.request.hits", start });
        break;
    }
    cases.push({
      name: `${kind} ${window} noise=${noise.toFixed(2)} season=${seasonal.toFixed(2)} start=${start}`,
      scenario: {
        id: `sweep-${i}`,
        service: "svc",
        question: "How is the service doing?",
        window,
        seed: 1000 + i,
        series,
      },
      expected,
    });
  }
  return cases;
}
