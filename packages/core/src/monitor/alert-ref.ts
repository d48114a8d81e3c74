import { describeWindow, type TimeWindow } from "../time-window.js";

/** The monitor notification that started a job (Datadog's Webhooks integration). */
export interface AlertRef {
  readonly source: "datadog";
  /** The alerts.datadog.integrations entry it came through. */
  readonly integration: string;
  /** $ALERT_ID: the monitor's id. */
  readonly monitor_id: number;
  /** $ALERT_TRANSITION, e.g. "Triggered", "Re-Triggered", "Warn". */
  readonly transition: string;
  readonly title: string;
  /** $ALERT_SCOPE: the tags of the group that triggered, e.g. "service:checkout,env:prod". */
  readonly scope: string;
  /** $DATE: when the monitor changed state, epoch ms. */
  readonly triggered_at: number;
  /** $ID: the notification event's id. */
  readonly event_id: string;
  readonly link?: string;
}

/**
 * The window an alert is investigated over: from `lookbackMs` before the trigger (so the
 * baseline and the change are both in view) to now, or to the trigger when the clock is behind it.
 */
export function alertWindow(alert: AlertRef, now: number, lookbackMs: number): TimeWindow {
  const end = Math.max(now, alert.triggered_at);
  const start = alert.triggered_at - lookbackMs;
  const at = new Date(alert.triggered_at).toISOString().slice(11, 16);
  return {
    start,
    end,
    label: `${describeWindow(end - start)} from ${describeWindow(lookbackMs)} before the alert (triggered ${at} UTC)`,
    explicit: true,
  };
}

/** The question an alert asks, in words the planner classifies like a user's. */
export function alertQuestion(alert: AlertRef, query?: string): string {
  const at = new Date(alert.triggered_at).toISOString().replace(/\.\d+Z$/, "Z");
  const state = /warn/i.test(alert.transition) ? "is warning" : "triggered";
  return (
    `Monitor ${alert.monitor_id} "${alert.title}" ${state} at ${at}` +
    (alert.scope ? ` on ${alert.scope}` : "") +
    // "watches", not "query": the word would read as a question about a database.
    (query ? ` (it watches ${query})` : "") +
    ". Why, and what is the likely cause?"
  ).slice(0, 4000);
}
