import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeReply, startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";
import { TOKEN, startHarness, type Harness } from "../support/orchestrator-harness.js";
import { eventually } from "../support/worker-process.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** util-linux `script` runs a command on a pseudo-terminal: the CLI sees a TTY, Ctrl-C is real. */
const hasScript = (() => {
  try {
    return execFileSync("script", ["--version"], { encoding: "utf8" }).includes("util-linux");
  } catch {
    return false;
  }
})();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function finished(child: ChildProcessWithoutNullStreams): Promise<Run> {
  let stdout = "";
  let stderr = "";
  // Decoded as a stream: a character split between two chunks stays whole.
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

/**
 * The CLI as users install it: `npx orchestrator` runs bin/orchestrator.js, which loads the build
 * in apps/cli/dist (and @orch/sse's). The build is made here (a few seconds of tsc), so the test runs
 * what ships.
 */
describe("npx orchestrator, the built CLI", () => {
  let h: Harness;
  let openai: FakeOpenAI;
  let env: Record<string, string>;
  beforeAll(async () => {
    // The CLI and the one package it uses (its event-stream parser), in build order.
    for (const project of ["packages/sse/tsconfig.build.json", "apps/cli/tsconfig.build.json"])
      execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", project], {
        cwd: ROOT,
        stdio: "pipe",
      });
    openai = await startFakeOpenAI({
      handler: (request) => {
        const text = request.messages.map((m) => m.content).join("\n");
        const answering = request.response_format?.json_schema?.name === "answer";
        if (text.includes("(slowpoke)")) return { kind: "default", delay_ms: 60_000 };
        if (answering && text.includes("(hostile)")) {
          return fakeReply.json({
            answer_markdown:
              "## Findings\u001b]0;PWNED\u0007\n- errors rose\u001b[2J\u009b31m at 14:02\u001b]52;c;cHduZWQ=\u0007",
            findings_used: [],
            recommendations: [],
            confidence: 0.5,
          });
        }
        return { kind: "default" };
      },
    });
    h = await startHarness({ env: { OPENAI_API_KEY: openai.apiKey, OPENAI_BASE_URL: openai.url } });
    env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ORCHESTRATOR_URL: h.base,
      ORCHESTRATOR_TOKEN: TOKEN,
      NO_COLOR: "1",
    };
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await openai?.close();
  });

  const npx = (args: string[]) =>
    finished(spawn("npx", ["--no", "--", "orchestrator", ...args], { cwd: ROOT, env }));

  it("answers a question against a running service", async () => {
    expect((await npx(["--version"])).stdout.trim()).toBe("0.1.0");
    const { code, stdout, stderr } = await npx([
      "ask",
      "--service",
      "web-app",
      "--json",
      "-q",
      "How is CPU on web-app?",
    ]);
    expect(code, stderr).toBe(0);
    const view = JSON.parse(stdout) as { status: string; service_id: string; reasoner: string };
    expect(view).toMatchObject({ status: "completed", service_id: "web-app" });
    expect(view.reasoner).toMatch(/^openai:/);
  });

  it("prints an answer without the control characters and escape sequences it carries", async () => {
    const { code, stdout, stderr } = await npx(["ask", "-s", "web-app", "Any errors on web-app? (hostile)"]);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("## Findings]0;PWNED");
    expect(stdout).toContain("- errors rose[2J31m at 14:02]52;c;cHduZWQ=");
    expect(stdout.replace(/\n/g, "")).not.toMatch(CONTROL);
    expect(stderr.replace(/\n/g, "")).not.toMatch(CONTROL);
  });

  describe.skipIf(!hasScript)("on a terminal", () => {
    /** The CLI on a pseudo-terminal; `keys` are typed once the live display is drawn. */
    async function onTerminal(keys: string): Promise<{ code: number | null; screen: string }> {
      const command = `node apps/cli/bin/orchestrator.js ask --service web-app 'How is web-app? (slowpoke)'`;
      const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: ROOT, env });
      let screen = "";
      child.stdout.on("data", (d: Buffer) => (screen += d.toString()));
      const closed = new Promise<number | null>((resolve) => child.once("close", resolve));
      await eventually(
        () => screen.includes("Planning") && screen.includes(HIDE_CURSOR),
        30_000,
        "the display",
      );
      child.stdin.write(keys);
      const code = await closed;
      // The job keeps running after the CLI stops watching; cancel it so its slow phase ends.
      const id = /job (\S+) accepted/.exec(screen)?.[1];
      if (id) await h.request(`/jobs/${id}`, { method: "DELETE" });
      return { code, screen };
    }

    /** The CLI on a pseudo-terminal `columns` wide; what the terminal shows, without escape sequences. */
    async function onScreen(columns: number, args: string): Promise<string> {
      const command = `stty cols ${columns} rows 50; node apps/cli/bin/orchestrator.js ${args}`;
      const { code, stdout } = await finished(
        spawn("script", ["-qfec", command, "/dev/null"], { cwd: ROOT, env }),
      );
      expect(code, stdout).toBe(0);
      // eslint-disable-next-line no-control-regex
      return stdout.replace(/\r/g, "").replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
    }

    it("wraps the answer to the terminal's width between words, and leaves piped output unwrapped", async () => {
      const narrow = await onScreen(
        60,
        "ask --offline -q --service api-gateway 'Investigate recent 5xx errors'",
      );
      const id = /^job (\S+) · /m.exec(narrow)?.[1];
      expect(id, narrow).toBeDefined();
      const answerOf = (screen: string) => screen.slice(0, screen.search(/^job \S+ · /m)).trim();
      const table = (line: string) => /^\s+\S.*\s│\s/.test(line) || line.includes("┼");
      const wide = (text: string) => text.split("\n").filter((l) => !table(l) && [...l].length > 60);
      expect(wide(answerOf(narrow))).toEqual([]);
      // The same answer on a wide terminal: only where the lines break differs, no word is split.
      const roomy = answerOf(await onScreen(250, `watch ${id!} -q`));
      expect(wide(roomy).length).toBeGreaterThan(0);
      expect(answerOf(narrow).split(/\s+/)).toEqual(roomy.split(/\s+/));
      const piped = await npx(["watch", id!, "-q"]);
      expect(
        piped.stdout
          .trim()
          .split("\n")
          .some((l) => l.length > 60),
      ).toBe(true);
    });

    it("draws the phases in place, and Ctrl-C stops watching with the cursor restored", async () => {
      const { code, screen } = await onTerminal("\x03");
      expect(code).toBe(130);
      // Redrawn in place: the cursor goes back up over the phase lines.
      expect(screen).toContain("\x1b[3A");
      expect(screen).toMatch(/stopped watching; job \S+ keeps running/);
      expect(screen.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(screen.lastIndexOf(HIDE_CURSOR));
    });

    it("exits at once on a second Ctrl-C, and leaves the cursor visible", async () => {
      const { code, screen } = await onTerminal("\x03\x03");
      expect(code).toBe(130);
      expect(screen.lastIndexOf(SHOW_CURSOR)).toBeGreaterThan(screen.lastIndexOf(HIDE_CURSOR));
    });
  });
});
