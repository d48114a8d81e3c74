import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnection } from "node:net";
import { freePort } from "./free-port.js";

/** A private redis-server on a free port, for one test file or one local run. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Stops the server (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  readonly port?: number;
  readonly binary?: string;
  /** Append-only file on (for crash tests); off by default. */
  readonly appendOnly?: boolean;
  /** More arguments (e.g. `--cluster-enabled yes`, `--replicaof 127.0.0.1 6379`). */
  readonly args?: readonly string[];
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.setTimeout(500);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => {
      socket.destroy();
      resolve(data.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/** Starts redis-server and resolves once it answers PING. */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "orch-redis-"));
  return launchRedis(
    options.binary ?? "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      options.appendOnly ? "yes" : "no",
      "--maxmemory-policy",
      "noeviction",
      "--loglevel",
      "warning",
      ...(options.args ?? []),
    ],
    port,
    dir,
  );
}

/**
 * Runs `binary argv` (a redis-server or a Sentinel listening on `port`), resolves once it answers
 * PING; `stop()` ends it and removes `dir`.
 */
export async function launchRedis(
  binary: string,
  argv: readonly string[],
  port: number,
  dir: string,
): Promise<RedisServer> {
  const child = spawn(binary, argv, { stdio: ["ignore", "ignore", "pipe"] });
  let failed: Error | undefined;
  child.once("error", (error) => {
    failed = error;
  });
  const deadline = Date.now() + 10_000;
  while (!(await ping(port))) {
    if (failed) throw new Error(`could not start ${binary}: ${failed.message}`);
    if (child.exitCode !== null) throw new Error(`${binary} exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${binary} did not answer within 10 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
