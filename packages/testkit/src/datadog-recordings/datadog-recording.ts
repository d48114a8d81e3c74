import { readFileSync } from "node:fs";

/** A response body of the real Datadog API, as recorded in a Datadog API client's test cassette. */
export interface DatadogRecording {
  readonly name: string;
  /** The recorded request, e.g. "GET /api/v1/query?from=…". */
  readonly request: string;
  readonly status: number;
  /** The body byte for byte (big integers and `.0` floats as sent). */
  readonly text: string;
  /** The body parsed (big integers lose precision here, as in any JSON.parse). */
  readonly body: unknown;
  /** Where it was recorded: repository path and commit. */
  readonly source: { readonly path: string; readonly commit: string };
}

interface ManifestEntry {
  readonly name: string;
  readonly request: string;
  readonly status: number;
  readonly path: string;
  readonly commit: string;
}

const DIRECTORY = new URL("../../fixtures/datadog-recordings/", import.meta.url);

/** Names of the recordings committed in packages/testkit/fixtures/datadog-recordings. */
export type RecordingName =
  | "v1-query-system-cpu-idle"
  | "v1-query-dotless-metric-by-host"
  | "v1-metrics-active"
  | "v1-metric-metadata-unset"
  | "v1-metric-metadata-set"
  | "v1-metric-metadata-not-found"
  | "v1-monitor-list-page"
  | "v1-monitor-created"
  | "v1-monitor-search"
  | "v1-events-list"
  | "v2-logs-aggregate-timeseries"
  | "v2-logs-search-page";

/** One committed recording, read from disk. */
export function datadogRecording(name: RecordingName): DatadogRecording {
  const manifest = JSON.parse(readFileSync(new URL("manifest.json", DIRECTORY), "utf8")) as {
    recordings: ManifestEntry[];
  };
  const entry = manifest.recordings.find((r) => r.name === name);
  if (!entry) throw new Error(`no recording named ${name} in manifest.json`);
  const text = readFileSync(new URL(`${name}.json`, DIRECTORY), "utf8").trimEnd();
  return {
    name,
    request: entry.request,
    status: entry.status,
    text,
    body: JSON.parse(text) as unknown,
    source: { path: entry.path, commit: entry.commit },
  };
}
