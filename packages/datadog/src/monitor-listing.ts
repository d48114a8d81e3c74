import type { v1 } from "@datadog/datadog-api-client";
import type { MonitorExclusion, MonitorInfo, MonitorList, ServiceScope, SourceRead } from "@orch/core";
import { monitorInfo, monitorInScope } from "./datadog-responses.js";
import { firstSightings } from "./first-sightings.js";

/**
 * How GET /api/v1/monitor narrows a listing: `monitor_tags` by the monitor's own tags (its
 * `service:` tag), `tags` by the scope of its query (the tags in `{…}`).
 */
export type MonitorFilter = { readonly monitorTags: string } | { readonly tags: string };

/** One page of a filtered listing, read upstream. */
export type MonitorPageReader = (
  filter: MonitorFilter,
  page: number,
) => Promise<{ readonly value: readonly v1.Monitor[]; readonly calls: number }>;

/** Bounds of one monitors read: pages per listing and monitors kept. */
export interface MonitorLimits {
  readonly pageSize: number;
  readonly maxPages: number;
  readonly maxMonitors: number;
}

export const MONITOR_LIMITS: MonitorLimits = { pageSize: 100, maxPages: 5, maxMonitors: 200 };

const TROUBLE: Readonly<Record<string, number>> = { Alert: 0, Warn: 1, "No Data": 2 };

/** Pages through one listing until a short page, a page with nothing new (a server ignoring `page`), or the cap. */
async function listing(read: MonitorPageReader, filter: MonitorFilter, limits: MonitorLimits) {
  const found: v1.Monitor[] = [];
  const seen = new Set<string>();
  let calls = 0;
  for (let page = 0; page < limits.maxPages; page++) {
    const answer = await read(filter, page);
    calls += answer.calls;
    const fresh = firstSightings(answer.value, seen, (m) => m.id ?? `${m.name ?? ""}|${m.query}`);
    found.push(...fresh);
    if (answer.value.length < limits.pageSize || fresh.length === 0) return { found, calls, more: false };
  }
  return { found, calls, more: true };
}

/**
 * The service's monitors: listed by their tags and by their query's scope (many monitors name
 * the service only in their query, `avg:…{service:checkout}`, and carry no `service:` tag),
 * each listed once. Bounded: at most `maxPages` pages per listing and `maxMonitors` kept, the
 * most troubled first. Every monitor left out is counted with its reason: naming another
 * service or env, past the cap, or beyond the pages read.
 */
export async function findMonitors(
  read: MonitorPageReader,
  scope: ServiceScope,
  filter: string,
  limits: MonitorLimits = MONITOR_LIMITS,
): Promise<SourceRead<MonitorList>> {
  const [byTags, byQuery] = await Promise.all([
    listing(read, { monitorTags: filter }, limits),
    listing(read, { tags: filter }, limits),
  ]);
  const seen = new Set<string>();
  const unique = firstSightings(
    [...byTags.found, ...byQuery.found],
    seen,
    (m) => m.id ?? `${m.name}|${m.query}`,
  );
  const inScope = unique.filter((m) => monitorInScope(m.tags ?? [], m.query ?? "", scope));
  const ranked: MonitorInfo[] = inScope
    .map(monitorInfo)
    .sort((a, b) => (TROUBLE[a.state] ?? 3) - (TROUBLE[b.state] ?? 3) || a.id - b.id);
  const kept = ranked.slice(0, limits.maxMonitors).sort((a, b) => a.id - b.id);
  const excluded: MonitorExclusion[] = [];
  if (unique.length > inScope.length)
    excluded.push({ reason: "other_scope", count: unique.length - inScope.length });
  if (ranked.length > kept.length) excluded.push({ reason: "over_cap", count: ranked.length - kept.length });
  if (byTags.more || byQuery.more) excluded.push({ reason: "unread", count: 0 });
  return { value: { monitors: kept, excluded }, upstream_calls: byTags.calls + byQuery.calls };
}
