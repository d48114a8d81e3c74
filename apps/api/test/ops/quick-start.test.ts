import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const scripts = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

/**
 * `npm start` and the other scripts build with Turborepo first. On a machine where turbo never
 * ran, turbo prints a telemetry notice before anything else, which is not the quick start's to
 * show: the scripts turn turbo's telemetry off.
 */
describe("the npm scripts that run Turborepo", () => {
  const turboScripts = Object.entries(scripts).filter(([, script]) => /(^|\s)turbo\s/.test(script));

  it("include npm start", () => {
    expect(turboScripts.map(([name]) => name)).toContain("start");
  });

  it("print no telemetry notice on a machine where turbo never ran", () => {
    const home = mkdtempSync(join(tmpdir(), "orch-fresh-home-"));
    try {
      for (const [name, script] of turboScripts) {
        // The turbo step as npm runs it (sh -c, node_modules/.bin on PATH), as a dry run.
        const step = script.split("&&")[0]!.trim();
        const run = spawnSync("sh", ["-c", `${step} --dry-run`], {
          cwd: ROOT,
          env: { PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? ""}`, HOME: home },
          encoding: "utf8",
        });
        expect(run.status, `${name}: ${run.stderr}`).toBe(0);
        expect(`${run.stdout}${run.stderr}`, name).not.toMatch(/telemetry/i);
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
