import type { SlackRoute } from "@orch/config";
import type { StoredJob } from "@orch/queue";

/**
 * The Slack webhook a job's message goes to: a route naming the job's monitor first, else one for
 * its owner; none when no route matches (the job sends nothing to Slack).
 */
export function slackRouteFor(routes: readonly SlackRoute[], job: StoredJob): SlackRoute | undefined {
  const monitor = job.request.monitor_id ?? job.request.alert?.monitor_id;
  const byMonitor = monitor !== undefined ? routes.find((r) => r.monitor_ids?.includes(monitor)) : undefined;
  return byMonitor ?? routes.find((r) => r.monitor_ids === undefined && r.owner === job.owner);
}
