import { z } from "zod";
import { JOB_STATUSES } from "../jobs/job-request-schema.js";

/*
 * Shapes of the routes the web console reads besides the job routes, for the OpenAPI document:
 * GET /jobs/{id}/evidence (built by evidenceView) and GET /services (ServiceCatalog). The tests
 * parse real responses with them.
 */

const epochMs = () => z.number().int().min(0).max(1e15).describe("epoch milliseconds");
const count = () => z.number().int().min(0).max(1e15);

const evidenceSeriesSchema = z.object({
  id: z.string().describe("s1, s2… in chart order"),
  metric: z.string().describe('the metric, or "logs" for the error-log count'),
  label: z.string().describe("metric{group} as the answer names it"),
  query: z.string().describe("the query that read it"),
  group: z
    .array(z.string())
    .describe(
      "group tags (e.g. host:web-1); several series of one metric with different groups are a breakdown",
    ),
  role: z
    .enum(["finding", "key", "limit"])
    .describe("a finding rests on the metric; a key series of the question; or the limit of another metric"),
  limit_of: z.string().nullable().describe("for a limit series: the usage metric it bounds"),
  kind: z.string().nullable().describe("signal kind: latency, errors, requests, cpu, memory, disk…"),
  unit: z
    .string()
    .nullable()
    .describe('Datadog unit name, e.g. "second", "byte", "fraction", "request/second"'),
  unit_family: z
    .enum(["time", "bytes", "bits", "share", "cpu", "frequency", "money", "temperature", "power", "count"])
    .nullable(),
  unit_scale: z
    .number()
    .nullable()
    .describe("one unit in its family's base: second, byte, bit, core, hertz, dollar, or a share of 1"),
  findings: z.array(z.string()).describe("ids of the findings that rest on this metric"),
  interval_s: z.number().min(0).describe("seconds between points as read"),
  points: z
    .array(z.tuple([epochMs(), z.number().nullable()]))
    .describe("[epoch ms, value or null for a gap], oldest first"),
  points_read: count().describe("points read before downsampling"),
  downsampled: z.boolean().describe("whether points is an LTTB downsample of what was read"),
});

export const evidenceViewSchema = z.object({
  job_id: z.string(),
  status: z.enum(JOB_STATUSES),
  window: z
    .object({ start: epochMs(), end: epochMs(), label: z.string() })
    .nullable()
    .describe("the window read; null before planning saved it"),
  series: z
    .array(evidenceSeriesSchema)
    .describe(
      "the findings' metrics first, then the question's key series; a limit after the metric it bounds",
    ),
  windows: z
    .array(
      z.object({
        finding: z.string(),
        metric: z.string(),
        group: z
          .array(z.string())
          .nullable()
          .describe(
            "the group of a breakdown the finding names; null when it concerns the metric as a whole",
          ),
        severity: z.enum(["critical", "warning", "info"]),
        state: z.enum(["ongoing", "recovered"]),
        start: epochMs(),
        end: epochMs(),
        recovered_at: epochMs().nullable(),
      }),
    )
    .describe("when each finding's anomaly held, on its metric"),
  thresholds: z
    .array(
      z.object({
        metric: z.string(),
        group: z.array(z.string()).nullable().describe("the group of a breakdown the finding names, or null"),
        value: z.number(),
        level: z.enum(["critical", "warning", "baseline"]),
        label: z.string(),
        finding: z.string(),
      }),
    )
    .describe(
      "horizontal lines: the thresholds a finding was judged by, and its baseline, in the metric's unit",
    ),
  events: z
    .array(
      z.object({
        id: z.string(),
        time: epochMs(),
        title: z.string(),
        type: z.enum(["deploy", "config", "alert", "scale", "other"]),
        tags: z.array(z.string()),
      }),
    )
    .describe("events read for the window, oldest first (deploys and config changes are drawn as markers)"),
  omitted_series: count().describe("series read but left out by the response's limits"),
  evidence_expired: z
    .boolean()
    .describe("the job read data, but it is no longer kept (orchestrator.evidence_retention_seconds)"),
});

export const serviceListSchema = z.object({
  source: z
    .enum(["backend", "config", "demo"])
    .describe("the backend's directory, config.json's services, or the demo data's services"),
  free_text: z
    .boolean()
    .describe("whether a service not listed may be asked about (false only for a backend's directory)"),
  services: z.array(
    z.object({
      service_id: z.string(),
      description: z.string().nullable(),
      env: z.string().nullable(),
      example_question: z.string().nullable().describe("a question the demo data answers well"),
    }),
  ),
  detail: z.string().nullable().describe("why a configured backend's directory is not the source"),
});
