import { scenarioMonitors, type MonitorInfo, type Scenario } from "@orch/core";
import { tagValue } from "./metric-query.js";
import {
  evaluateSearch,
  parseMonitorSearch,
  searchTerms,
  type SearchExpression,
  type SearchTerm,
} from "./monitor-search-query.js";

/** A status and body, as the routes answer. */
interface RouteAnswer {
  readonly status: number;
  readonly body: unknown;
}
import {
  monitorQuery,
  monitorResponse,
  monitorScopes,
  monitorSearchResponse,
} from "./monitor-wire-format.js";

/** A scenario's monitors with the service they belong to, as the fake lists them. */
interface Listed {
  readonly monitor: MonitorInfo;
  readonly service: string;
  readonly query: string;
}

/** A tag list: comma-separated, or a tag expression joined with AND. */
export const splitTags = (text: string | undefined): string[] =>
  (text ?? "")
    .split(/,|\s+AND\s+/i)
    .map((t) => t.trim())
    .filter(Boolean);

function listed(scenario: Scenario | undefined, anchor: number): Listed[] {
  if (!scenario) return [];
  return scenarioMonitors(scenario, anchor).map((monitor) => ({
    monitor,
    service: scenario.service,
    query: monitorQuery(monitor, scenario.service),
  }));
}

/** The service a listing or search names: in its monitor tags, its scope tags, or its search terms. */
const serviceNamed = (...tagLists: ReadonlyArray<readonly string[]>): string | undefined =>
  tagLists.map((tags) => tagValue(tags, "service")).find((s) => s !== undefined);

/**
 * GET /api/v1/monitor, filtered as the API reference documents it: `monitor_tags` (the
 * monitor's own tags, every one required), `tags` (the scope of its query: every tag must be
 * in a `{…}` filter), `name` (a substring of the name), paged by `page`/`page_size` when `page`
 * is given. `group_states` adds each monitor's group states.
 */
export function listMonitors(
  query: Readonly<Record<string, string>>,
  scenarioFor: (service: string | undefined) => Scenario | undefined,
  anchor: number,
) {
  const monitorTags = splitTags(query.monitor_tags);
  const scopeTags = splitTags(query.tags);
  const name = query.name?.toLowerCase();
  const matching = listed(scenarioFor(serviceNamed(monitorTags, scopeTags)), anchor).filter(
    ({ monitor, query: q }) =>
      monitorTags.every((t) => monitor.tags.includes(t)) &&
      scopeTags.every((t) => monitorScopes(q).includes(t)) &&
      (name === undefined || monitor.name.toLowerCase().includes(name)),
  );
  const size = Math.min(1000, Number(query.page_size ?? 100) || 100);
  const page = Number(query.page ?? 0) || 0;
  const slice = query.page !== undefined ? matching.slice(page * size, (page + 1) * size) : matching;
  const groupStates = query.group_states !== undefined && query.group_states !== "";
  return slice.map((l) => monitorResponse(l.monitor, l.service, anchor, groupStates));
}

function matchesTerm(l: Listed, term: SearchTerm): boolean {
  const { monitor } = l;
  switch (term.key) {
    case "tag":
      return monitor.tags.some((t) => t.toLowerCase() === term.value);
    case "scope":
      return monitorScopes(l.query).some((t) => t.toLowerCase() === term.value);
    case "service":
    case "env":
      return monitor.tags.some((t) => t.toLowerCase() === `${term.key}:${term.value}`);
    case "status":
      return monitor.state.toLowerCase() === term.value;
    case "type":
      return (monitor.type ?? "query alert").toLowerCase().startsWith(term.value);
    case "id":
      return String(monitor.id) === term.value;
    case "title":
    case undefined:
      return monitor.name.toLowerCase().includes(term.value);
    default:
      return false;
  }
}

/**
 * GET /api/v1/monitor/search: a `query` of terms — `tag:"service:x"` (the monitor's own tags),
 * `scope:service:x` (a tag of its query's `{…}` filter), `service:x`, `env:x`, `status:alert`,
 * `type:metric`, `id:123`, `title:text` or free text in the name — joined by AND (or a space),
 * OR, NOT and parentheses (see monitor-search-query.ts), paged by `page` and `per_page`; a
 * query it cannot parse is a 400.
 */
export function searchMonitors(
  query: Readonly<Record<string, string>>,
  scenarioFor: (service: string | undefined) => Scenario | undefined,
  anchor: number,
): RouteAnswer {
  let expression: SearchExpression;
  try {
    expression = parseMonitorSearch(query.query ?? "");
  } catch (error) {
    return { status: 400, body: { errors: [error instanceof Error ? error.message : "invalid query"] } };
  }
  // The fake knows the monitors of the services a query names (in tag:, scope: or service: terms).
  const services = new Set(
    searchTerms(expression).flatMap((t) =>
      t.key === "service"
        ? [t.value]
        : (t.key === "tag" || t.key === "scope") && t.value.startsWith("service:")
          ? [t.value.slice("service:".length)]
          : [],
    ),
  );
  const matching = [...services]
    .flatMap((service) => listed(scenarioFor(service), anchor))
    .filter((l) => evaluateSearch(expression, (term) => matchesTerm(l, term)));
  const perPage = Math.min(1000, Number(query.per_page ?? 30) || 30);
  const page = Number(query.page ?? 0) || 0;
  return { status: 200, body: monitorSearchResponse(matching, page, perPage) };
}
