import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { round } from "./stats.js";

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gib: number;
  readonly os: string;
  readonly node: string;
  readonly redis: string;
  readonly date: string;
}

function redisVersion(): string {
  try {
    const out = execFileSync("redis-server", ["--version"], { encoding: "utf8" });
    return /v=(\S+)/.exec(out)?.[1] ?? out.trim();
  } catch {
    return "unknown";
  }
}

/** What the numbers were measured on. */
export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memory_gib: round(totalmem() / 2 ** 30, 1),
    os: `${process.platform}-${process.arch}`,
    node: process.version,
    redis: redisVersion(),
    date: new Date().toISOString().slice(0, 10),
  };
}
