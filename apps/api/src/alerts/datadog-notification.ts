import { z } from "zod";
import { SERVICE_ID_PATTERN, type AlertRef } from "@orch/core";

/**
 * The body of Datadog's Webhooks integration with our payload template (docs/alerts.md). Datadog
 * fills every `$VARIABLE` into a string; a variable it has no value for stays as written, so
 * `"$ALERT_CYCLE_KEY"` left in a field counts as absent.
 */
const unresolved = (value: unknown) =>
  typeof value === "string" && /^\$[A-Z_]+$/.test(value) ? undefined : value;

const text = (max: number) => z.preprocess(unresolved, z.string().trim().max(max).optional());
const digits = (field: string, example: string) =>
  z.preprocess(
    (value) => (typeof value === "number" ? String(value) : unresolved(value)),
    z
      .string({ error: `${field} is required: ${example}` })
      .regex(/^\d{1,19}$/, `${field} must be a whole number: ${example}`),
  );

/** Transitions that start an investigation, that are recorded, and that are let pass. */
export const INVESTIGATED = ["Triggered", "Re-Triggered", "Warn", "Re-Warn"] as const;
const RECORDED = ["Recovered"] as const;
const IGNORED = ["No Data", "Re-No Data", "Renotify", "Null"] as const;
const TRANSITIONS = [...INVESTIGATED, ...RECORDED, ...IGNORED] as const;

export const datadogNotificationSchema = z.looseObject({
  id: digits("id", '"$ID", the notification event\'s id'),
  alert_id: digits("alert_id", '"$ALERT_ID", the monitor\'s id').transform(Number),
  alert_transition: z.preprocess(
    unresolved,
    z.enum(TRANSITIONS, {
      error: `alert_transition must be "$ALERT_TRANSITION", one of ${TRANSITIONS.join(", ")}`,
    }),
  ),
  alert_title: text(500),
  alert_scope: text(2000),
  alert_query: text(4000),
  date: digits("date", '"$DATE", epoch milliseconds').transform(Number),
  tags: text(4000),
  link: text(2000),
});

export type DatadogNotification = z.infer<typeof datadogNotificationSchema>;

export type NotificationKind = "investigate" | "recovery" | "ignore";

export function kindOf(transition: DatadogNotification["alert_transition"]): NotificationKind {
  if ((INVESTIGATED as readonly string[]).includes(transition)) return "investigate";
  return transition === "Recovered" ? "recovery" : "ignore";
}

/** `service:` in the alert's scope first (the group that triggered), else in the monitor's tags. */
export function serviceOf(notification: DatadogNotification): string | undefined {
  for (const list of [notification.alert_scope, notification.tags]) {
    for (const tag of (list ?? "").split(",")) {
      const [key, ...rest] = tag.trim().toLowerCase().split(":");
      const value = rest.join(":");
      if (key === "service" && SERVICE_ID_PATTERN.test(value)) return value;
    }
  }
  return undefined;
}

/** The alert as a job carries it. */
export function alertRefOf(notification: DatadogNotification, integration: string): AlertRef {
  const link = notification.link && /^https?:\/\//.test(notification.link) ? notification.link : undefined;
  return {
    source: "datadog",
    integration,
    monitor_id: notification.alert_id,
    transition: notification.alert_transition,
    title: notification.alert_title ?? `Monitor ${notification.alert_id}`,
    scope: notification.alert_scope ?? "",
    // Seconds from a template that sent $DATE_POSIX rather than $DATE read the same.
    triggered_at: notification.date < 1e11 ? notification.date * 1000 : notification.date,
    event_id: notification.id,
    ...(link ? { link } : {}),
  };
}
