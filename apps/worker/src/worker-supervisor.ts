import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";
import { workerMemoryEnv } from "@orch/runtime";

export interface SupervisorOptions {
  readonly processes: number;
  /** Each process's metrics port is this plus its index, when set. */
  readonly metricsPort?: number;
  readonly log: Logger;
  /** How long a draining process may take before it is killed; default 35 s (its own cap is 30 s). */
  readonly graceMs?: number;
}

/** A process that dies sooner than this after starting is restarted with a growing delay. */
const HEALTHY_AFTER_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Runs `processes` worker processes (this same script, through node:cluster) and keeps them
 * running: a process that exits unasked is replaced (after a growing delay when it keeps dying at
 * start-up). SIGTERM or SIGINT drains every process (each finishes its phases, see the worker's
 * shutdown) and exits 0 once all have; SIGHUP replaces them one at a time, each new one started
 * before the old one drains, so capacity never drops by more than one process.
 */
export function superviseWorkers(options: SupervisorOptions): void {
  const { log } = options;
  const graceMs = options.graceMs ?? 35_000;
  let stopping = false;
  const slots: Array<{ worker: Worker; started: number; failures: number } | undefined> = [];

  const fork = (index: number, failures = 0): Worker => {
    const env: Record<string, string> = {
      ...workerMemoryEnv(),
      WORKER_PROCESSES: "1",
      WORKER_INDEX: String(index),
    };
    if (options.metricsPort !== undefined && options.metricsPort > 0) {
      env.METRICS_PORT = String(options.metricsPort + index);
    }
    const worker = cluster.fork(env);
    slots[index] = { worker, started: Date.now(), failures };
    worker.on("exit", (code, signal) => {
      const slot = slots[index];
      if (slot?.worker !== worker) return; // replaced on purpose (SIGHUP)
      if (stopping) return;
      const quick = Date.now() - slot.started < HEALTHY_AFTER_MS;
      const next = quick ? slot.failures + 1 : 0;
      const delay = quick ? Math.min(MAX_RESTART_DELAY_MS, 500 * 2 ** next) : 0;
      log.warn({ index, code, signal, restart_in_ms: delay }, "worker process exited; starting another");
      setTimeout(() => {
        if (!stopping) fork(index, next);
      }, delay).unref();
    });
    return worker;
  };

  /** SIGTERM to `worker`; resolves when it has exited, killing it after the grace period. */
  const drain = (worker: Worker): Promise<void> =>
    new Promise((resolve) => {
      if (worker.isDead()) {
        resolve();
        return;
      }
      const force = setTimeout(() => worker.process.kill("SIGKILL"), graceMs);
      worker.once("exit", () => {
        clearTimeout(force);
        resolve();
      });
      worker.process.kill("SIGTERM");
    });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal: killing the worker processes");
      for (const slot of slots) slot?.worker.process.kill("SIGKILL");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, processes: slots.length }, "shutting down: draining the worker processes");
    const draining = slots.flatMap((slot) => (slot ? [drain(slot.worker)] : []));
    void Promise.all(draining).then(() => {
      log.info("shutdown complete");
      process.exit(0);
    });
  };

  const restartAll = async () => {
    log.info({ processes: slots.length }, "restarting the worker processes one at a time");
    for (let index = 0; index < slots.length && !stopping; index++) {
      const old = slots[index]?.worker;
      const fresh = fork(index);
      await new Promise<void>((resolve) => fresh.once("online", () => resolve()));
      if (old) await drain(old);
    }
  };

  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.on("SIGHUP", () => {
    if (!stopping) void restartAll();
  });
  for (let index = 0; index < options.processes; index++) fork(index);
  log.info({ processes: options.processes }, "worker supervisor started");
}
