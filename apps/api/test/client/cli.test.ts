import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@orch/testkit";
import { OTHER_TOKEN, TOKEN, startHarness, type Harness } from "../support/orchestrator-harness.js";
import { eventually } from "../support/worker-process.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as its own process, from sources, the way `npm run ask` does. */
function cli(args: string[], env: Record<string, string>, onStderr?: (text: string) => void): Promise<Run> {
  const child = spawn(
    process.execPath,
    ["--conditions=@orch/source", "--import", "tsx", "apps/cli/src/main.ts", ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr);
  });
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

describe("the orchestrator CLI against a running service", () => {
  let h: Harness;
  let env: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
    env = { ORCHESTRATOR_URL: h.base, ORCHESTRATOR_TOKEN: TOKEN };
  });
  afterAll(async () => {
    await h?.close();
  });

  it("exits 1 and says so when the job it follows is cancelled", async () => {
    let jobId: string | undefined;
    const run = cli(["ask", "--service", "web-app", "How is web-app?"], env, (text) => {
      jobId ??= /job (\S+) accepted/.exec(text)?.[1];
    });
    await eventually(() => jobId !== undefined, 30_000, "the CLI to submit its job");
    await eventually(() => h.api.events.listenerCount > 0, 30_000, "the CLI to follow the job's events");
    expect((await h.request(`/jobs/${jobId!}`, { method: "DELETE" })).status).toBe(200);
    const { code, stderr } = await run;
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`job ${jobId!} cancelled \\(cancelled: cancelled by the client\\)`));
  });

  it("--json prints the final job view and exits 0 when the job completes", async () => {
    if (!h.workers) await h.startWorkers();
    const { code, stdout, stderr } = await cli(
      [
        "ask",
        "--service",
        "api-gateway",
        "--timeframe",
        "6h",
        "--session",
        "cli-1",
        "--json",
        "Investigate recent 5xx errors",
      ],
      env,
    );
    expect(code, stderr).toBe(0);
    const view = JSON.parse(stdout) as {
      job_id: string;
      status: string;
      session_id: string;
      result: { answer_markdown: string; window: { label: string } };
    };
    expect(view.status).toBe("completed");
    expect(view.session_id).toBe("cli-1");
    expect(view.result.window.label).toBe("last 6 hours");
    // Not a TTY: progress arrives as plain lines on stderr, one per event.
    expect(stderr).toMatch(/^queued$/m);
    expect(stderr).toMatch(/^planning started$/m);
    expect(stderr).toMatch(/^feedback done \(\d+ steps\)$/m);
    const same = (await (await h.request(`/jobs/${view.job_id}`)).json()) as Record<string, unknown>;
    expect(view).toEqual(same);
  });

  it("prints the answer's markdown to stdout and a summary line to stderr", async () => {
    if (!h.workers) await h.startWorkers();
    const { code, stdout, stderr } = await cli(
      ["ask", "-s", "web-app", "--offline", "-q", "Check CPU and memory usage trends for the last 24 hours"],
      env,
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/offline/i);
    expect(stdout).toMatch(/\|.*\|/);
    expect(stderr).toMatch(/^job \S+ · offline · demo · confidence \d\.\d\d · \d+\.\d s$/m);
  });

  it("prints only the short answer with --brief, and says where the details are", async () => {
    if (!h.workers) await h.startWorkers();
    const { code, stdout, stderr } = await cli(
      ["ask", "-s", "web-app", "--offline", "-q", "--brief", "Is CPU ok?"],
      env,
    );
    expect(code, stderr).toBe(0);
    expect(stdout).not.toMatch(/### Findings/);
    expect(stdout).toMatch(/Details: orchestrator watch \S+/);
    expect(stdout.trim().split(/\s+/).length).toBeLessThan(160);
  });

  it("exits 2 on usage errors, with a message saying what is missing", async () => {
    const noService = await cli(["ask", "How is it?"], env);
    expect(noService.code).toBe(2);
    expect(noService.stderr).toMatch(/ask needs --service/);
    const unknown = await cli(["ask", "--servce", "web-app", "q"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--servce'/);
    const badTimeframe = await cli(["ask", "-s", "web-app", "-t", "forever", "q"], env);
    expect(badTimeframe.code).toBe(2);
    expect(badTimeframe.stderr).toMatch(/timeframe must be a duration/);
    const nothing = await cli([], env);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/Usage:/);
  });

  it("exits 3 with a clear message when the token is refused or missing, or the service is unreachable", async () => {
    const refused = await cli(["ask", "-s", "web-app", "q"], {
      ...env,
      ORCHESTRATOR_TOKEN: "not-a-valid-token",
    });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/refused the token.*ORCHESTRATOR_TOKEN/);
    const missing = await cli(["ask", "-s", "web-app", "q"], { ORCHESTRATOR_URL: h.base });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/set ORCHESTRATOR_TOKEN/);
    const down = await cli(["ask", "-s", "web-app", "q"], {
      ...env,
      ORCHESTRATOR_URL: `http://127.0.0.1:${await freePort()}`,
    });
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(
      /cannot reach the orchestrator at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
  });

  it("watches and cancels jobs by id, only the token's own", async () => {
    if (!h.workers) await h.startWorkers();
    const submitted = (await (
      await h.request("/jobs", {
        method: "POST",
        body: JSON.stringify({ service_id: "payments", user_message: "How is payments?" }),
      })
    ).json()) as { job_id: string };
    const watched = await cli(["watch", submitted.job_id, "--json", "-q"], env);
    expect(watched.code).toBe(0);
    expect((JSON.parse(watched.stdout) as { status: string }).status).toBe("completed");
    const cancelEnded = await cli(["cancel", submitted.job_id], env);
    expect(cancelEnded.code).toBe(1);
    expect(cancelEnded.stderr).toMatch(/already completed at/);
    const notMine = await cli(["watch", submitted.job_id], { ...env, ORCHESTRATOR_TOKEN: OTHER_TOKEN });
    expect(notMine.code).toBe(2);
  });

  it("runs as `npm run ask` from the repository root", async () => {
    if (!h.workers) await h.startWorkers();
    const child = spawn(
      "npm",
      [
        "run",
        "--silent",
        "ask",
        "--",
        "--service",
        "checkout",
        "--json",
        "-q",
        "Why did checkout get slower?",
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { status: string; service_id: string }).service_id).toBe("checkout");
  });
});
