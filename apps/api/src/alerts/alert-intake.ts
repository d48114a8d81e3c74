import { AppError, alertQuestion, type JobRequest } from "@orch/core";
import type { Config } from "@orch/config";
import { jobLinks, newJobId, type AlertLedger, type AlertQueue, type JobStore } from "@orch/queue";
import { alertRefOf, kindOf, serviceOf, type DatadogNotification } from "./datadog-notification.js";

export interface AlertIntakeDeps {
  readonly config: Config;
  readonly store: JobStore;
  readonly ledger: AlertLedger;
  readonly queue: AlertQueue;
  readonly now?: () => number;
  /** Waits for replicas to hold a started job's writes before the answer (ReplicaAcks). */
  readonly replicas?: { confirm(): Promise<unknown> };
}

/** What the intake did with a notification (the body of its answer). */
export interface IntakeOutcome {
  readonly outcome: "started" | "duplicate" | "suppressed" | "recorded" | "ignored";
  readonly job_id: string | null;
  readonly status_url: string | null;
  readonly detail: string;
}

const withJob = (
  outcome: IntakeOutcome["outcome"],
  id: string | undefined,
  detail: string,
): IntakeOutcome => ({
  outcome,
  job_id: id ?? null,
  status_url: id ? jobLinks(id).self : null,
  detail,
});

/**
 * Monitor notifications in: a trigger or warning starts an investigation of the monitor (once per
 * notification, once per monitor in the flap period), queued behind the alert queue's bounded
 * concurrency; a recovery is noted on the monitor's last job; other transitions pass.
 */
export class AlertIntake {
  private readonly now: () => number;

  constructor(private readonly deps: AlertIntakeDeps) {
    this.now = deps.now ?? Date.now;
  }

  async receive(owner: string, integration: string, n: DatadogNotification): Promise<IntakeOutcome> {
    const kind = kindOf(n.alert_transition);
    const monitor = n.alert_id;
    if (kind === "ignore") {
      return withJob(
        "ignored",
        undefined,
        `${n.alert_transition} notifications start nothing; triggers and warnings do.`,
      );
    }
    const service = kind === "investigate" ? serviceOf(n) : undefined;
    if (kind === "investigate" && !service) {
      throw new AppError(
        "invalid_request",
        "The notification names no service: neither alert_scope nor tags has a service:<name> tag; tag the monitor (or its group) with the service it watches.",
        { errors: [{ field: "alert_scope", message: "no service:<name> tag in alert_scope or tags" }] },
      );
    }
    const notification = `${monitor}:${n.alert_transition}:${n.id}`;
    const { ledger } = this.deps;
    const seen = await ledger.claim(owner, notification);
    if (seen !== undefined) {
      return withJob(
        "duplicate",
        seen || undefined,
        `Notification ${n.id} of monitor ${monitor} was received before.`,
      );
    }
    try {
      if (kind === "recovery") return await this.recover(owner, n, notification);
      return await this.start(owner, integration, n, service ?? "", notification);
    } catch (error) {
      // Datadog retries a 5xx: its retry must not be taken for a duplicate.
      await ledger.release(owner, notification).catch(() => undefined);
      throw error;
    }
  }

  private async recover(owner: string, n: DatadogNotification, notification: string): Promise<IntakeOutcome> {
    const { ledger, store } = this.deps;
    const id = await ledger.lastJob(owner, n.alert_id);
    const at = new Date(alertRefOf(n, "").triggered_at).toISOString();
    if (!id || !(await ledger.recordRecovery(id, at))) {
      return withJob("ignored", undefined, `Monitor ${n.alert_id} recovered; no job of it is on record.`);
    }
    await ledger.bind(owner, notification, id);
    // Clients following the job live see it; an ended job's stream takes no more events.
    await store.emit(id, "alert", { transition: n.alert_transition, at });
    return withJob(
      "recorded",
      id,
      `Monitor ${n.alert_id} recovered at ${at}; noted on its job, not investigated.`,
    );
  }

  private async start(
    owner: string,
    integration: string,
    n: DatadogNotification,
    service: string,
    notification: string,
  ): Promise<IntakeOutcome> {
    const { config, ledger, store, queue } = this.deps;
    const now = this.now();
    const id = newJobId(now);
    const holder = await ledger.claimMonitor(owner, n.alert_id, id);
    if (holder !== undefined) {
      await ledger.bind(owner, notification, holder);
      return withJob(
        "suppressed",
        holder,
        `Monitor ${n.alert_id} already started job ${holder} in the last ${config.alerts.flap_seconds} s (alerts.flap_seconds).`,
      );
    }
    const alert = alertRefOf(n, integration);
    const request: JobRequest = {
      service_id: service,
      user_message: alertQuestion(alert, n.alert_query),
      monitor_id: n.alert_id,
      alert,
    };
    // Room for the wait behind other alerts; admission restarts the job's own deadline.
    const deadlineMs =
      now + (config.alerts.max_queue_seconds + config.orchestrator.job_deadline_seconds) * 1000;
    let created = false;
    try {
      const job = await store.create({ owner, request, deadlineMs }, id);
      created = true;
      await queue.enqueue(job.id);
      // Not awaited, as for POST /jobs: a lost write only makes the sweeper queue it again.
      store.markQueued(job.id).catch(() => undefined);
      await Promise.all([ledger.bind(owner, notification, id), ledger.rememberJob(owner, n.alert_id, id)]);
      await this.deps.replicas?.confirm();
    } catch (error) {
      await ledger.releaseMonitor(owner, n.alert_id, id).catch(() => undefined);
      if (created) {
        const failure = { code: "unavailable", message: "the job could not be queued" };
        await store.end(id, "failed", failure).catch(() => undefined);
      }
      throw new AppError(
        "unavailable",
        "The job store or queue is not reachable; Datadog will retry.",
        {},
        { cause: error },
      );
    }
    return withJob("started", id, `Investigating monitor ${n.alert_id} on ${service}.`);
  }
}
