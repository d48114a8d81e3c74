import type { v1 } from "@datadog/datadog-api-client";
import type { MonitorExclusion, MonitorInfo, MonitorList, ServiceScope, SourceRead } from "@orch/core";
import { monitorInScope, monitorSearchInfo } from "./datadog-responses.js";
import { firstSightings } from "./first-sightings.js";

/** One page of the monitor search (GET /api/v1/monitor/search), read upstream. */
export type MonitorPageReader = (
  page: number,
) => Promise<{ readonly value: readonly v1.MonitorSearchResult[]; readonly calls: number }>;

/** Bounds of one monitors read: pages read and monitors kept. */
export interface MonitorLimits {
  readonly pageSize: number;
  readonly maxPages: number;
  readonly maxMonitors: number;
}

export const MONITOR_LIMITS: MonitorLimits = { pageSize: 100, maxPages: 5, maxMonitors: 200 };

const TROUBLE: Readonly<Record<string, number>> = { Alert: 0, Warn: 1, "No Data": 2 };

/**
 * The service's monitors from one search that finds them by their own tags or by their query's
 * scope (many monitors name the service only in their query, `avg:…{service:checkout}`, and
 * carry no `service:` tag; see scopedMonitorSearch), each listed once. Bounded: at most
 * `maxPages` pages, until a short page or a page with nothing new (a server ignoring `page`),
 * and `maxMonitors` kept, the most troubled first. Every monitor left out is counted with its
 * reason: naming another service or env, past the cap, or beyond the pages read.
 */
export async function findMonitors(
  read: MonitorPageReader,
  scope: ServiceScope,
  limits: MonitorLimits = MONITOR_LIMITS,
): Promise<SourceRead<MonitorList>> {
  const unique: v1.MonitorSearchResult[] = [];
  const seen = new Set<string>();
  let calls = 0;
  let more = true;
  for (let page = 0; page < limits.maxPages && more; page++) {
    const answer = await read(page);
    calls += answer.calls;
    const fresh = firstSightings(answer.value, seen, (m) => m.id ?? `${m.name ?? ""}|${m.query ?? ""}`);
    unique.push(...fresh);
    more = answer.value.length >= limits.pageSize && fresh.length > 0;
  }
  const inScope = unique.filter((m) => monitorInScope(m.tags ?? [], m.query ?? "", scope));
  const ranked: MonitorInfo[] = inScope
    .map(monitorSearchInfo)
    .sort((a, b) => (TROUBLE[a.state] ?? 3) - (TROUBLE[b.state] ?? 3) || a.id - b.id);
  const kept = ranked.slice(0, limits.maxMonitors).sort((a, b) => a.id - b.id);
  const excluded: MonitorExclusion[] = [];
  if (unique.length > inScope.length)
    excluded.push({ reason: "other_scope", count: unique.length - inScope.length });
  if (ranked.length > kept.length) excluded.push({ reason: "over_cap", count: ranked.length - kept.length });
  if (more) excluded.push({ reason: "unread", count: 0 });
  return { value: { monitors: kept, excluded }, upstream_calls: calls };
}
