import type { Middleware } from "koa";
import type { AlertIntake } from "../alerts/alert-intake.js";
import { datadogNotificationSchema } from "../alerts/datadog-notification.js";
import type { IntakeState } from "../alerts/webhook-secret.js";
import type { ApiRoute } from "../contract/api-route.js";
import { jsonResponse } from "../contract/responses.js";
import { validate } from "../validate.js";

const example = {
  id: "7360193716846063214",
  alert_id: "1234",
  alert_transition: "Triggered",
  alert_title: "[Triggered on {service:checkout}] 5xx rate above 5%",
  alert_scope: "service:checkout,env:prod",
  alert_query: "sum(last_5m):sum:trace.http.request.errors{service:checkout}.as_count() > 50",
  date: "1718000000000",
  tags: "env:prod,service:checkout,team:payments",
  link: "https://app.datadoghq.com/event/event?id=7360193716846063214",
};

/** POST /integrations/datadog/webhook: Datadog monitor notifications start investigations. */
export function alertsRoutes(
  intake: AlertIntake,
  before: readonly Middleware<IntakeState>[],
): ApiRoute<IntakeState>[] {
  return [
    {
      method: "post",
      path: "/integrations/datadog/webhook",
      operationId: "receiveDatadogNotification",
      tags: ["alerts"],
      summary: "A Datadog monitor notification (Webhooks integration)",
      description:
        "Triggered, Re-Triggered, Warn and Re-Warn start an investigation of the monitor (202), once per notification " +
        "and once per monitor per alerts.flap_seconds (200 duplicate or suppressed); Recovered is noted on the monitor's " +
        "last job (200 recorded); other transitions start nothing (200 ignored). The payload template is in docs/alerts.md.",
      security: "webhook-secret",
      before,
      body: { component: "DatadogNotification", schema: datadogNotificationSchema, example },
      responses: {
        "200": jsonResponse(
          "Nothing new started (duplicate, suppressed, recorded or ignored)",
          "AlertIntake",
        ),
        "202": jsonResponse("An investigation was queued", "AlertIntake"),
        "503": "Unavailable",
      },
      handler: async (ctx) => {
        const notification = validate(datadogNotificationSchema, ctx.request.body, "body");
        const { integration } = ctx.state;
        const outcome = await intake.receive(integration.owner, integration.name, notification);
        ctx.status = outcome.outcome === "started" ? 202 : 200;
        if (outcome.status_url && outcome.outcome === "started") ctx.set("Location", outcome.status_url);
        ctx.body = outcome;
      },
    },
  ];
}
