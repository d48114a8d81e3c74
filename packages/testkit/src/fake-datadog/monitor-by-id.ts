import { scenarioMonitors, type Scenario } from "@orch/core";
import { monitorResponse } from "./monitor-wire-format.js";

/** What this route reads of a request and of the fake's state (a subset of the router's). */
interface MonitorRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
}
interface MonitorContext {
  readonly scenarioFor: (service: string | undefined) => Scenario | undefined;
  readonly anchor: number;
  readonly monitorServices?: Readonly<Record<number, string>>;
}

const MONITOR_PATH = /^\/api\/v1\/monitor\/(\d+)$/;

/**
 * GET /api/v1/monitor/{monitor_id}: one monitor, as Datadog answers it (404 in its error shape
 * when unknown). Which service an id belongs to is the fake's configuration (`monitorServices`);
 * the monitor is then that service scenario's monitor with that id, or its first one renumbered,
 * or a CPU monitor of the service when its scenario has none.
 * Undefined for any other request.
 */
export function monitorByIdRoute(
  req: MonitorRequest,
  ctx: MonitorContext,
): { readonly status: number; readonly body: unknown } | undefined {
  const match = MONITOR_PATH.exec(req.path);
  if (req.method !== "GET" || !match?.[1]) return undefined;
  const id = Number(match[1]);
  const service = ctx.monitorServices?.[id];
  const scenario = ctx.scenarioFor(service);
  if (!scenario || service === undefined) return { status: 404, body: { errors: ["Monitor not found"] } };
  const monitors = scenarioMonitors(scenario, ctx.anchor);
  // A scenario without monitors still has this one: a CPU monitor of the service, OK.
  const monitor = monitors.find((m) => m.id === id) ??
    monitors[0] ?? { id, name: `CPU on ${service}`, state: "OK", tags: [`service:${service}`] };
  const groupStates = (req.query?.group_states ?? "") !== "";
  return { status: 200, body: monitorResponse({ ...monitor, id }, service, ctx.anchor, groupStates) };
}
