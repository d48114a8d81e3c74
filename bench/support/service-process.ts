import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sleep, until } from "./stats.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A Node.js process of the benchmark: the API, a worker, or a baseline. */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** Resident set size now, in MiB (from /proc). */
  rssMiB(): number;
  /** CPU time used so far (user + system, all threads: libuv's pool included), in ms (from /proc). */
  cpuMs(): number;
  /** The last lines it wrote to stderr (for error messages). */
  stderrTail(lines?: number): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  readonly name: string;
  /** Script path relative to the repository root. */
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  /** Run the script through tsx (baselines written in TypeScript). */
  readonly typescript?: boolean;
  readonly cwd?: string;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** Clock ticks a second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU time of a process (user + system of all its threads), in ms. */
export function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): state is the 3rd, utime the 14th, stime the 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** Starts a process; the caller waits for its readiness (HTTP health, a metrics port). */
export function spawnProcess(options: SpawnOptions): ServiceProcess {
  const script = `${ROOT}${options.script}`;
  if (!existsSync(script)) throw new Error(`${options.script} is missing: run npm run build first`);
  const args = options.typescript
    ? ["--conditions=@orch/source", "--import", "tsx", script]
    : [...(process.env.BENCH_NODE_FLAGS?.split(" ").filter(Boolean) ?? []), script];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-16000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name: options.name,
    pid: child.pid ?? -1,
    rssMiB: () => rssOf(child.pid ?? -1),
    cpuMs: () => cpuMsOf(child.pid ?? -1),
    stderrTail: (lines = 8) => stderr.trim().split("\n").slice(-lines).join("\n"),
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Waits until `url` answers 200, failing early when the process died. */
export async function waitForHttp(
  proc: ServiceProcess,
  url: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  await until(
    async () => {
      try {
        process.kill(proc.pid, 0);
      } catch {
        throw new Error(`${proc.name} exited during start-up:\n${proc.stderrTail()}`);
      }
      const res = await fetch(url, { headers }).catch(() => undefined);
      if (res) await res.arrayBuffer();
      return res?.status === 200;
    },
    `${proc.name} at ${url}`,
    60_000,
    50,
  );
}

/** Samples a process's RSS after it has been idle for a moment: the lowest of a few reads. */
export async function settledRssMiB(proc: ServiceProcess, settleMs = 2000): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await sleep(settleMs / 5);
    samples.push(proc.rssMiB());
  }
  return Math.min(...samples);
}
