import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const FIXTURE = fileURLToPath(new URL("./fixtures/runtime-process.ts", import.meta.url));

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  /** Resolves once the process has printed `text`. */
  readonly printed: (text: string) => Promise<void>;
}

function run(scenario: string): Run {
  const child = spawn(process.execPath, ["--conditions=@orch/source", "--import", "tsx", FIXTURE, scenario], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiting: Array<{ text: string; resolve: () => void }> = [];
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of waiting.filter((w) => out.includes(w.text))) w.resolve();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    printed: (text) =>
      out.includes(text) ? Promise.resolve() : new Promise((resolve) => waiting.push({ text, resolve })),
  };
}

const lines = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("the logger", () => {
  it("masks configured secrets wherever they appear, and known secret fields by path", async () => {
    const logger = run("log-secrets");
    expect(await logger.exited).toBe(0);
    const out = logger.output();
    expect(out).not.toContain("sk-live-key-123");
    expect(out).not.toContain("tok-secret-value");
    const logged = lines(out);
    expect(logged.map((l) => l.msg)).toEqual([
      "paths",
      "value in a field",
      "value in an error",
      "value in the message: [REDACTED]",
    ]);
    expect(logged[0]).toMatchObject({
      headers: { authorization: "[REDACTED]" },
      client: { apiKey: "[REDACTED]", token: "[REDACTED]" },
    });
    expect(logged[1]).toMatchObject({ detail: "the model said [REDACTED] is wrong" });
    expect(logged[2]).toMatchObject({ err: { type: "Error", message: "auth failed for [REDACTED]" } });
  }, 60_000);
});

describe("shutdown on a signal", () => {
  it("drains once on SIGTERM and exits 0", async () => {
    const service = run("drain");
    await service.printed("ready");
    service.child.kill("SIGTERM");
    expect(await service.exited).toBe(0);
    expect(lines(service.output()).map((l) => l.msg)).toEqual([
      "shutting down: draining",
      "shutdown complete",
    ]);
  }, 60_000);

  it("exits 1 at once on a second signal while draining", async () => {
    const service = run("slow-drain");
    await service.printed("ready");
    service.child.kill("SIGINT");
    await service.printed("shutting down");
    service.child.kill("SIGINT");
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain("second signal: exiting now");
  }, 60_000);

  it("exits 1 when the drain outlasts its grace period", async () => {
    const service = run("slow-drain");
    await service.printed("ready");
    service.child.kill("SIGTERM");
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain("drain took too long: exiting");
  }, 60_000);
});
