import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const CONSOLE_ROOT = fileURLToPath(new URL("../../../../console/", import.meta.url));

/**
 * Builds the web console as `npm run build` does, into a folder of its own (CI runs the tests
 * without a build step, and a developer's apps/console/dist may be stale).
 */
export async function buildConsole(): Promise<{ readonly dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "orch-console-build-"));
  await build({
    root: CONSOLE_ROOT,
    configFile: join(CONSOLE_ROOT, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir: dir, emptyOutDir: true },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
