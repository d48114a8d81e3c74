import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));
const ENTRY = { api: "apps/api/src/main.ts", worker: "apps/worker/src/main.ts" } as const;

/** One pino line as the process wrote it. */
export type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** The API or a worker as its own OS process (from sources, via tsx), so tests can signal it and read its output. */
export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** stdout parsed as JSON lines; throws on a line that is not JSON. */
  readonly lines: () => LogLine[];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  signal(signal: NodeJS.Signals): Promise<number | null>;
}

export function spawnService(kind: keyof typeof ENTRY, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ["--conditions=@orch/source", "--import", "tsx", ENTRY[kind]], {
    cwd: ROOT,
    // Only what the test passes (plus PATH): the developer's own keys must not leak into the run.
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", WORKER_PROCESSES: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    lines: () =>
      stdout
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => {
          try {
            return JSON.parse(line) as LogLine;
          } catch {
            throw new Error(`${kind} wrote a line that is not JSON: ${line}`);
          }
        }),
    exited,
    async signal(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls the API's /healthz until it answers (or the process exits). */
export async function untilListening(
  service: ServiceProcess,
  base: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null)
      throw new Error(`the process exited: ${service.stderr()}${service.stdout()}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`not listening after ${timeoutMs} ms: ${service.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
