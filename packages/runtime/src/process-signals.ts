import type { Logger } from "pino";

/** A process's shutdown on SIGTERM/SIGINT, installed before start-up and told how to drain once started. */
export interface ShutdownGate {
  /**
   * What draining means, once the process has started. A signal that arrived during start-up
   * drains now (after start-up, so the workers it started are drained, not killed).
   */
  drainWith(shutdown: () => Promise<void>): void;
}

/**
 * Installs SIGTERM and SIGINT handlers at once, before anything starts: the first signal drains
 * (with what `drainWith` gave, as soon as it is given) then exits 0, or 1 if draining fails or
 * takes over `graceMs`; a second signal exits at once.
 */
export function shutdownOnSignal(log: Logger, graceMs = 30_000): ShutdownGate {
  let stopping = false;
  let drain: (() => Promise<void>) | undefined;
  const run = () => {
    if (!drain) return;
    const force = setTimeout(() => {
      log.error({ graceMs }, "drain took too long: exiting");
      process.exit(1);
    }, graceMs);
    force.unref();
    drain().then(
      () => {
        log.info("shutdown complete");
        log.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, starting: drain === undefined }, "shutting down: draining");
    run();
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return {
    drainWith(shutdown) {
      drain = shutdown;
      if (stopping) run();
    },
  };
}

/**
 * Calls `shutdown` once on SIGTERM or SIGINT, then exits; a second signal exits at once.
 * `graceMs` bounds the drain so a stuck dependency cannot hold the process forever.
 */
export function onShutdownSignal(log: Logger, shutdown: () => Promise<void>, graceMs = 30_000): void {
  shutdownOnSignal(log, graceMs).drainWith(shutdown);
}
