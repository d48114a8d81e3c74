import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { resolve } from "node:path";
import type { Logger } from "pino";

export interface LocatedRedis {
  readonly url: string;
  readonly source: "REDIS_URL" | "localhost" | "private";
  /** Stops a private redis-server we started (no-op otherwise). */
  stop(): Promise<void>;
}

function ping(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => finish(/^\+PONG|^-NOAUTH/.test(data.toString())));
    socket.once("error", () => finish(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function startPrivateRedis(dataDir: string, log: Logger): Promise<LocatedRedis | undefined> {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        dataDir,
        "--appendonly",
        "yes",
        "--appendfsync",
        "everysec",
        "--save",
        "",
        "--maxmemory-policy",
        "noeviction",
      ],
      { stdio: "ignore" },
    );
  } catch {
    return undefined;
  }
  const spawnFailed = new Promise<boolean>((done) => child.once("error", () => done(true)));
  for (let i = 0; i < 100; i++) {
    const failed = await Promise.race([
      spawnFailed,
      new Promise<boolean>((d) => setTimeout(() => d(false), 50)),
    ]);
    if (failed || child.exitCode !== null) return undefined;
    if (await ping("127.0.0.1", port)) {
      log.info({ port, dataDir }, "started a private redis-server (append-only file on)");
      return {
        url: `redis://127.0.0.1:${port}`,
        source: "private",
        async stop() {
          if (child.exitCode !== null) return;
          const exited = new Promise((d) => child.once("exit", d));
          child.kill("SIGTERM");
          await Promise.race([exited, new Promise((d) => setTimeout(d, 5000))]);
        },
      };
    }
  }
  child.kill("SIGKILL");
  return undefined;
}

/**
 * Finds Redis for a laptop run: REDIS_URL if set, else one on localhost:6379, else a private
 * redis-server started from PATH (data kept in `.data/redis`, so a restart loses no job).
 */
export async function locateRedis(
  redisUrl: string | undefined,
  cwd: string,
  log: Logger,
): Promise<LocatedRedis> {
  const none = () => Promise.resolve();
  if (redisUrl) return { url: redisUrl, source: "REDIS_URL", stop: none };
  if (await ping("127.0.0.1", 6379))
    return { url: "redis://127.0.0.1:6379", source: "localhost", stop: none };
  const started = await startPrivateRedis(resolve(cwd, ".data/redis"), log);
  if (started) return started;
  throw new Error(
    "no Redis found: set REDIS_URL, start one on localhost:6379, or install redis-server " +
      "(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis; or docker compose up redis)",
  );
}
