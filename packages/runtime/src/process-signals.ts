import type { Logger } from "pino";

/**
 * Calls `shutdown` once on SIGTERM or SIGINT, then exits; a second signal exits at once.
 * `graceMs` bounds the drain so a stuck dependency cannot hold the process forever.
 */
export function onShutdownSignal(log: Logger, shutdown: () => Promise<void>, graceMs = 30_000): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, "shutting down: draining");
    const force = setTimeout(() => {
      log.error({ graceMs }, "drain took too long: exiting");
      process.exit(1);
    }, graceMs);
    force.unref();
    shutdown().then(
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
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}
