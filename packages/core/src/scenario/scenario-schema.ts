import { z } from "zod";
import { FINDING_CATEGORIES } from "../finding.js";
import { PERCENTILE_AGGREGATORS } from "../plan.js";
import { parseDuration } from "../time-window.js";
import { questionPlaceholderError } from "./scenario-question.js";
import { isRegexText, regexOf } from "./text-matcher.js";

/**
 * The scenario format: a service, a question, a window, synthetic series with injected
 * incidents, optional monitors, events and logs, and the expected findings. Published as JSON
 * Schema in docs/scenario.schema.json; changes must stay backward compatible.
 */

const duration = z.string().refine((s) => parseDuration(s) !== undefined, "a duration such as 15m, 2h or 1d");

const MIN_WINDOW_MS = 5 * 60_000;
const MAX_WINDOW_MS = 30 * 86_400_000;

/** The window: a duration from 5 minutes to 30 days. */
const windowDuration = z.string().superRefine((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `a duration such as 30m, 6h or 7d, from 5m to 30d (got "${text}")`,
    });
  } else if (ms < MIN_WINDOW_MS || ms > MAX_WINDOW_MS) {
    ctx.addIssue({ code: "custom", message: `the window must be from 5m to 30d (got "${text}")` });
  }
});

/** Free text for people, allowed on every object: it never changes what a scenario means. */
const notes = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .describe("remarks for people (a string or a list of strings); ignored by the evaluation");
const note = {
  description: z.string().optional().describe("what this is, for people; ignored by the evaluation"),
  notes,
};

/** An offset before the window's end: "-2h", "-90m", or "0" / "end" for the end itself. */
const offset = z
  .string()
  .regex(/^(-\s*\d+(\.\d+)?\s*[smhdw]|0|end)$/, 'an offset before the window end such as "-2h" or "-45m"');

const incidentSchema = z
  .object({
    type: z
      .enum(["spike", "dip", "step", "ramp", "leak", "flatline", "nodata", "burst", "oscillation", "reset"])
      .describe("reset: a cumulative counter restarts from about 0 (a process restart) and climbs again"),
    start: offset.describe("when the incident begins, relative to the window end"),
    end: offset
      .optional()
      .describe("when it ends; defaults to the window end for step/ramp/leak, start+15m otherwise"),
    factor: z.number().positive().optional().describe("multiply the baseline by this at full strength"),
    delta: z.number().optional().describe("add this at full strength (in the metric's unit)"),
    to: z.number().optional().describe("reach this absolute level at full strength"),
    value: z.number().optional().describe("flatline: the constant value (default: the value at start)"),
    ramp: duration.optional().describe("time to reach full strength (spike/step); default one interval"),
    period: duration.optional().describe("oscillation: period"),
    ...note,
  })
  .strict();

const weeklySchema = z
  .object({
    weekend_factor: z
      .number()
      .min(0)
      .max(10)
      .describe("level on the weekend relative to weekdays, e.g. 0.4 = 60% lower on Saturday and Sunday"),
    weekend_start: z
      .number()
      .min(0)
      .max(7)
      .default(6)
      .describe("day of the week (UTC, 0 = Sunday … 6 = Saturday, fractions allowed) the weekend begins"),
    weekend_days: z.number().min(0.5).max(6).default(2).describe("how many days the weekend lasts"),
    ...note,
  })
  .strict();

const seasonalitySchema = z
  .object({
    amplitude: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe("relative swing of the daily cycle, e.g. 0.4 = ±40% (0: no daily cycle)"),
    peak_hour: z.number().min(0).max(24).default(15).describe("hour of the day (UTC) of the peak"),
    weekly: weeklySchema.optional().describe("a weekly cycle: weekends at another level than weekdays"),
    ...note,
  })
  .strict();

/** Datadog's metric types (the metadata's `type`). */
const METRIC_TYPES = ["gauge", "count", "rate", "distribution"] as const;
/** Percentile aggregations of a distribution metric (`p99:metric{…}`). */
export const PERCENTILES = PERCENTILE_AGGREGATORS;

export const scenarioSeriesSchema = z
  .object({
    metric: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.]{1,199}$/),
    baseline: z.number().describe("typical value, in the metric's unit"),
    noise: z.number().min(0).default(0.05).describe("relative noise (standard deviation / baseline)"),
    seasonality: seasonalitySchema.optional(),
    trend_per_day: z
      .number()
      .default(0)
      .describe("relative drift per day, e.g. 0.1 = +10% of baseline a day"),
    min: z.number().optional().describe("clamp: lowest value (default 0)"),
    max: z.number().optional().describe("clamp: highest value (e.g. 100 for percentages, 1 for fractions)"),
    integer: z.boolean().default(false).describe("round values (counts)"),
    group: z.array(z.string()).default([]).describe('group tags of this series, e.g. ["host:web-1"]'),
    incidents: z.array(incidentSchema).default([]),
    unit: z
      .string()
      .min(1)
      .max(40)
      .optional()
      .describe(
        'the unit Datadog reports for the metric (its metadata and the `unit` of query results), e.g. "second", "byte", "percent", "fraction", "request"',
      ),
    per_unit: z
      .string()
      .min(1)
      .max(40)
      .optional()
      .describe('the unit it is per, e.g. "second" for request/second'),
    metric_type: z
      .enum(METRIC_TYPES)
      .optional()
      .describe("the metric's type in Datadog's metadata; absent: no metadata is served for it"),
    cumulative: z
      .boolean()
      .default(false)
      .describe(
        "a monotonic counter read raw (a Prometheus `_total`): baseline, cycles and incidents model its rate per second, and each point is the running total",
      ),
    percentile: z
      .enum(PERCENTILES)
      .optional()
      .describe("this series is that percentile of a distribution metric, read with `p99:metric{…}`"),
    ...note,
  })
  .strict()
  .superRefine((series, ctx) => {
    if (!series.cumulative && series.incidents.some((i) => i.type === "reset"))
      ctx.addIssue({
        code: "custom",
        message: "a reset incident needs a cumulative series (cumulative: true)",
      });
  });

/** Datadog's monitor types (the `type` of GET /api/v1/monitor). */
export const MONITOR_TYPES = [
  "metric alert",
  "query alert",
  "service check",
  "event alert",
  "event-v2 alert",
  "log alert",
  "process alert",
  "rum alert",
  "trace-analytics alert",
  "slo alert",
  "composite",
  "synthetics alert",
  "error-tracking alert",
  "database-monitoring alert",
] as const;

const monitorSchema = z
  .object({
    name: z.string(),
    state: z.enum(["OK", "Alert", "Warn", "No Data", "Ignored", "Skipped", "Unknown"]),
    type: z.enum(MONITOR_TYPES).default("query alert").describe("the monitor's type in Datadog"),
    query: z.string().optional(),
    tags: z.array(z.string()).default([]),
    service_tag: z
      .boolean()
      .default(true)
      .describe(
        "whether the monitor carries the `service:` tag; false: it names the service only in its query, as many real monitors do",
      ),
    last_triggered: offset.optional(),
    state_since: offset
      .optional()
      .describe(
        'when the monitor entered its current state (Datadog\'s overall_state_modified), e.g. "-400d"; default last_triggered',
      ),
    ...note,
  })
  .strict();

const eventSchema = z
  .object({
    title: z.string(),
    text: z.string().optional(),
    at: offset,
    type: z.enum(["deploy", "config", "alert", "scale", "other"]).default("other"),
    tags: z.array(z.string()).default([]),
    alert_type: z.enum(["error", "warning", "info", "success"]).optional(),
    ...note,
  })
  .strict();

const logsSchema = z
  .object({
    errors_per_minute: z.number().min(0).default(0.5).describe("baseline error log rate"),
    messages: z
      .array(z.object({ message: z.string(), weight: z.number().positive().default(1), ...note }).strict())
      .default([]),
    bursts: z
      .array(
        z
          .object({
            start: offset,
            end: offset.optional(),
            factor: z.number().positive().default(10),
            message: z.string().optional().describe("the message that dominates the burst"),
            ...note,
          })
          .strict(),
      )
      .default([]),
    ...note,
  })
  .strict();

const category = z.enum(FINDING_CATEGORIES as [string, ...string[]]);

const expectedFindingSchema = z
  .object({
    category: z
      .union([category, z.array(category).min(1)])
      .describe("the finding's category, or a list of categories any of which matches"),
    metric: z.string().optional().describe("metric name, or a prefix ending in '*'; any metric when absent"),
    start: offset.optional().describe("approximate start of the anomaly"),
    end: offset.optional(),
    state: z
      .enum(["ongoing", "recovered"])
      .optional()
      .describe(
        "whether the finding must still hold at the window's end (ongoing) or have ended in it (recovered)",
      ),
    ...note,
  })
  .strict();

/** Text the answer must or must not contain: case-insensitive substrings, or "/regex/flags". */
const textMatchers = z
  .array(
    z
      .string()
      .min(1)
      .refine((text) => !isRegexText(text) || regexOf(text) !== undefined, "a valid regular expression"),
  )
  .default([]);

const expectedAnswerSchema = z
  .object({
    must_mention: textMatchers.describe("each must appear in the answer's text"),
    must_not_mention: textMatchers.describe("none may appear in the answer's text"),
    lead: textMatchers.describe("each must appear in the answer's first two sentences"),
    ...note,
  })
  .strict();

const expectedWindowSchema = z
  .object({
    min: duration.optional().describe("the job's window must be at least this long"),
    max: duration.optional().describe("and at most this long"),
    start: offset.optional().describe("the job's window must start near this offset"),
    end: offset.optional().describe("and end near this offset"),
    ...note,
  })
  .strict();

export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,79}$/),
    description: z.string().default(""),
    notes,
    service: z.string().regex(/^[a-z0-9][a-z0-9._\-/]{0,99}$/),
    env: z.string().optional(),
    question: z
      .string()
      .min(1)
      .superRefine((text, ctx) => {
        const problem = questionPlaceholderError(text);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .describe(
        "what the user asks; {{time:-26h}}, {{date:-1d}}, {{weekday:-1d}} and {{iso:-90m}} are replaced by that moment (UTC) of the run",
      ),
    window: windowDuration.default("1h").describe("the window, ending at the anchor time: from 5m to 30d"),
    timeframe: z
      .null()
      .optional()
      .describe(
        "null: the job is submitted without a timeframe, so the planner chooses the window; absent: the window is the job's timeframe",
      ),
    interval_s: z.number().int().min(1).optional().describe("point interval; default from the window length"),
    seed: z.number().int().default(1),
    series: z.array(scenarioSeriesSchema).min(1),
    monitors: z.array(monitorSchema).default([]),
    events: z.array(eventSchema).default([]),
    logs: logsSchema.optional(),
    expected: z
      .object({
        findings: z.array(expectedFindingSchema).default([]),
        forbidden_categories: z.array(category).default([]),
        answer: expectedAnswerSchema.optional().describe("what the offline answer's text must (not) say"),
        window: expectedWindowSchema
          .optional()
          .describe("the window the job must choose (with timeframe: null)"),
        culprit: z
          .object({
            key: z
              .string()
              .min(1)
              .describe('the tag key that carries the problem, e.g. "resource_name", "host"'),
            value: z.string().min(1).describe('the tag value the answer must name, e.g. "POST /charge"'),
            ...note,
          })
          .strict()
          .optional()
          .describe("where the problem is: the answer is scored on naming this value (culprit recall)"),
        ...note,
      })
      .strict()
      .default({ findings: [], forbidden_categories: [] }),
  })
  .strict();

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioMonitor = z.infer<typeof monitorSchema>;
export type ExpectedAnswer = z.infer<typeof expectedAnswerSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioSeries = z.infer<typeof scenarioSeriesSchema>;
export type ScenarioIncident = z.infer<typeof incidentSchema>;

/** The scenario format as JSON Schema (draft 2020-12), the file published in docs/. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: "input", target: "draft-2020-12" });
}

/** Parses a scenario, naming the first offending field in the error. */
export function parseScenario(input: unknown): Scenario {
  return scenarioSchema.parse(input);
}
