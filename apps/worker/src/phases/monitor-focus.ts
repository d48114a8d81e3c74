import {
  AppError,
  ScopeViolation,
  alertWindow,
  describeError,
  monitorIdInQuestion,
  monitorWindow,
  parseTimeframe,
  type MetricsSource,
  type MonitorInfo,
  type ServiceScope,
  type StepDraft,
  type TimeWindow,
} from "@orch/core";
import type { StoredJob } from "@orch/queue";

export interface MonitorFocus {
  /** The monitor the job is about, when it names one and it could be read. */
  readonly monitor?: MonitorInfo;
  /** The window to plan with, when the alert or the monitor decides it. */
  readonly window?: TimeWindow;
  readonly steps: readonly StepDraft[];
  readonly upstream_calls: number;
}

export interface MonitorFocusInput {
  readonly job: StoredJob;
  readonly scope: ServiceScope;
  readonly source: MetricsSource;
  readonly now: number;
  readonly defaultTimeframe: string;
  /** alerts.lookback: how far before the trigger an alert's window starts. */
  readonly alertLookbackMs: number;
}

const stateSince = (m: MonitorInfo) =>
  m.last_triggered !== undefined ? ` since ${new Date(m.last_triggered).toISOString()}` : "";

/**
 * Reads the monitor a job is about (its `monitor_id`, its alert's, or "monitor 12345" in the
 * question) before planning. A monitor of another service fails the job, as does an explicit
 * `monitor_id` Datadog does not know; any other failure is a step in the trace and planning goes on.
 */
export async function focusOnMonitor(input: MonitorFocusInput, signal: AbortSignal): Promise<MonitorFocus> {
  const { request } = input.job;
  const alert = request.alert;
  const explicit = request.monitor_id ?? alert?.monitor_id;
  const id = explicit ?? monitorIdInQuestion(request.user_message);
  const alertSpan = alert ? alertWindow(alert, input.now, input.alertLookbackMs) : undefined;
  if (id === undefined) return { ...(alertSpan ? { window: alertSpan } : {}), steps: [], upstream_calls: 0 };

  const started = input.now;
  const step = (
    status: "ok" | "error",
    summary: string,
    error?: string,
    cache?: "hit" | "miss",
  ): StepDraft => ({
    kind: "tool",
    name: "monitor",
    started_at: new Date(started).toISOString(),
    duration_ms: Math.max(0, Date.now() - started),
    status,
    ...(cache ? { cache } : {}),
    summary,
    ...(error !== undefined ? { error } : {}),
  });
  try {
    const read = await input.source.monitor(id, input.scope, signal);
    const monitor = read.value;
    const asked = request.options?.timeframe
      ? parseTimeframe(`last ${request.options.timeframe}`, input.defaultTimeframe, input.now)
      : parseTimeframe(request.user_message, input.defaultTimeframe, input.now);
    const window = alertSpan ?? monitorWindow(monitor, asked);
    return {
      monitor,
      ...(alertSpan || window !== asked ? { window } : {}),
      steps: [
        step(
          "ok",
          `monitor ${monitor.id} "${monitor.name}" is ${monitor.state}${stateSince(monitor)}` +
            (monitor.query ? `; query ${monitor.query}` : ""),
          undefined,
          read.cache,
        ),
      ],
      upstream_calls: read.upstream_calls,
    };
  } catch (error) {
    if (signal.aborted) throw error;
    const code = error instanceof AppError ? error.code : "upstream_error";
    if (code === "scope_violation") throw new ScopeViolation(describeError(error));
    // A monitor_id the client gave must exist; an alert's may be out of this source's reach (demo data).
    if (code === "not_found" && request.monitor_id !== undefined && !alert) {
      throw new AppError("not_found", `monitor ${id}: ${describeError(error)}`);
    }
    return {
      ...(alertSpan ? { window: alertSpan } : {}),
      steps: [
        step(
          "error",
          `could not read monitor ${id}; planning without it`,
          `${code}: ${describeError(error)}`,
        ),
      ],
      upstream_calls: 0,
    };
  }
}
