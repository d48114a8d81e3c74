import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "orch-eval-write-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function evalCli(...args: string[]) {
  return spawnSync(
    process.execPath,
    ["--conditions=@orch/source", "--import", "tsx", "bench/eval/run-eval.ts", ...args],
    { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
  );
}

describe("npm run eval -- --write", () => {
  it("writes a family's dev draws as scenario files, and refuses the test split without --reveal-test", () => {
    const written = evalCli("--write", dir, "--family", "cache-full,weekly-dip");
    expect(written.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(
      ["cache-full", "weekly-dip"].flatMap((f) =>
        Array.from({ length: 10 }, (_, i) => `${f}-dev-${String(i + 1).padStart(2, "0")}.json`),
      ),
    );

    const refused = evalCli("--write", dir, "--split", "test");
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("needs --reveal-test");
    expect(readdirSync(dir).some((n) => n.includes("-test-"))).toBe(false);
  });
});
