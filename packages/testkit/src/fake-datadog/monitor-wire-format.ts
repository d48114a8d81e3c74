import type { MonitorInfo } from "@orch/core";
import { iso } from "./wire-format.js";

/**
 * Monitors on the wire, in the shapes of the real GET /api/v1/monitor and
 * GET /api/v1/monitor/search answers (see the recordings). A monitor without a query gets an
 * invented CPU query on its service; a monitor without `state_since` entered its state when it
 * last triggered, else at a time Datadog does not say (`overall_state_modified: null`).
 */

const ORG_ID = 321813;
const CREATOR = { name: null, handle: "fake@example.com", email: "fake@example.com", id: 1445416 };
const seconds = (ms: number): number => Math.floor(ms / 1000);
/** Datadog writes these times as "2021-05-03T13:06:23+00:00". */
const isoSeconds = (ms: number): string => `${iso(ms).slice(0, 19)}+00:00`;

/** The query a monitor has, or the one the fake invents for it. */
export function monitorQuery(monitor: MonitorInfo, service: string): string {
  return monitor.query ?? `avg(last_5m):avg:system.cpu.user{service:${service}} > 90`;
}

/** The tags in the `{…}` filters of a monitor query: what Datadog calls its scopes. */
export function monitorScopes(query: string): string[] {
  return [...query.matchAll(/\{([^{}]*)\}/g)].flatMap((m) =>
    (m[1] ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t.length > 0 && t !== "*"),
  );
}

const createdAt = (anchor: number): number => anchor - 30 * 86_400_000;
const stateSince = (monitor: MonitorInfo): number | undefined =>
  monitor.state_since ?? monitor.last_triggered;

/** GET /api/v1/monitor: one monitor; `state.groups` only when the request asked for group states. */
export function monitorResponse(monitor: MonitorInfo, service: string, anchor: number, groupStates: boolean) {
  const created = createdAt(anchor);
  const triggered = monitor.last_triggered !== undefined ? seconds(monitor.last_triggered) : 0;
  const group = monitor.tags[0] ?? "*";
  const since = stateSince(monitor);
  return {
    id: monitor.id,
    org_id: ORG_ID,
    type: monitor.type ?? "query alert",
    name: monitor.name,
    message: `Notify @oncall about ${monitor.name}`,
    tags: monitor.tags,
    query: monitorQuery(monitor, service),
    options: {
      notify_audit: false,
      locked: false,
      include_tags: true,
      thresholds: { critical: 90 },
      new_host_delay: 300,
      require_full_window: true,
      notify_no_data: false,
      silenced: {},
    },
    multi: false,
    created_at: created,
    created: iso(created).replace("Z", "+00:00"),
    modified: iso(created).replace("Z", "+00:00"),
    deleted: null,
    restricted_roles: null,
    priority: null,
    overall_state_modified: since !== undefined ? isoSeconds(since) : null,
    overall_state: monitor.state,
    creator: CREATOR,
    matching_downtimes: [],
    ...(groupStates
      ? {
          state: {
            groups: {
              [group]: {
                name: group,
                status: monitor.state,
                last_triggered_ts: triggered,
                last_notified_ts: triggered,
                last_resolved_ts: 0,
                last_nodata_ts: 0,
              },
            },
          },
        }
      : {}),
  };
}

/** Datadog's classification of a monitor type in search results ("query alert" → "metric"). */
function classification(type: string): string {
  if (type === "query alert" || type === "metric alert") return "metric";
  if (type === "service check") return "custom";
  return type.split(/[\s-]/)[0] ?? type;
}

const metricsOf = (query: string): string[] => [
  ...new Set([...query.matchAll(/(?:^|[:(])([a-zA-Z][a-zA-Z0-9_.]*)\s*\{/g)].map((m) => m[1] ?? "")),
];

/** One result of GET /api/v1/monitor/search. */
export function monitorSearchResult(monitor: MonitorInfo, service: string) {
  const query = monitorQuery(monitor, service);
  const type = monitor.type ?? "query alert";
  const since = stateSince(monitor);
  return {
    status: monitor.state,
    scopes: monitorScopes(query),
    classification: classification(type),
    creator: { handle: CREATOR.handle, id: CREATOR.id, name: "Fake Datadog" },
    metrics: metricsOf(query),
    notifications: [{ handle: "oncall", name: "oncall" }],
    muted_until_ts: null,
    query,
    id: monitor.id,
    last_triggered_ts: monitor.last_triggered !== undefined ? seconds(monitor.last_triggered) : null,
    name: monitor.name,
    tags: monitor.tags,
    org_id: ORG_ID,
    priority: null,
    overall_state_modified: since !== undefined ? seconds(since) : null,
    restricted_roles: [],
    type,
  };
}

function countsBy(values: readonly (string | boolean)[]) {
  const counts = new Map<string | boolean, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([name, count]) => ({ count, name }));
}

/** GET /api/v1/monitor/search: a page of results, the facet counts of all matches, and paging metadata. */
export function monitorSearchResponse(
  matches: ReadonlyArray<{ readonly monitor: MonitorInfo; readonly service: string }>,
  page: number,
  perPage: number,
) {
  const shown = matches.slice(page * perPage, (page + 1) * perPage);
  const monitors = matches.map((m) => m.monitor);
  return {
    counts: {
      status: countsBy(monitors.map((m) => m.state)),
      muted: countsBy(monitors.map(() => false)),
      tag: countsBy(monitors.flatMap((m) => m.tags)),
      type: countsBy(monitors.map((m) => classification(m.type ?? "query alert"))),
    },
    monitors: shown.map((m) => monitorSearchResult(m.monitor, m.service)),
    metadata: { total_count: matches.length, page_count: shown.length, page, per_page: perPage },
  };
}
