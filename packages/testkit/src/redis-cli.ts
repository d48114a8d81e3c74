import { execFile } from "node:child_process";

/** Runs `redis-cli -p <port> <args>` and resolves with its output (rejects on a non-zero exit). */
export function redisCli(port: number, args: readonly string[], timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "redis-cli",
      ["-h", "127.0.0.1", "-p", String(port), ...args],
      { timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`redis-cli ${args.join(" ")}: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
  });
}

/** Polls `check` every 100 ms until it is true; rejects with `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
