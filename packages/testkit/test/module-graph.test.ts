import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Which workspace packages each one may import (DESIGN.md: apps → packages, core imports none of ours). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  "@orch/core": [],
  "@orch/config": ["@orch/core"],
  "@orch/queue": ["@orch/core", "@orch/config"],
  "@orch/datadog": ["@orch/core", "@orch/config", "@orch/queue"],
  "@orch/llm": ["@orch/core", "@orch/config"],
  "@orch/backend": ["@orch/core", "@orch/config"],
  "@orch/testkit": ["@orch/core"],
  "@orch/runtime": ["@orch/config", "@orch/queue"],
  "@orch/worker": [
    "@orch/core",
    "@orch/config",
    "@orch/queue",
    "@orch/runtime",
    "@orch/datadog",
    "@orch/llm",
    "@orch/backend",
  ],
  "@orch/api": ["@orch/core", "@orch/config", "@orch/queue", "@orch/runtime", "@orch/backend"],
  "@orch/standalone": ["@orch/config", "@orch/queue", "@orch/runtime", "@orch/api", "@orch/worker"],
  "@orch/sse": [],
  "@orch/cli": ["@orch/sse"],
  "@orch/console": ["@orch/sse"],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith(".ts") && !path.endsWith(".test.ts") && !path.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const workspaces = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(ROOT, group)).map((name) => {
    const dir = join(ROOT, group, name);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string };
    return { name: pkg.name, dir, files: sourceFiles(join(dir, "src")) };
  }),
);

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?["']([^"']+)["']/g;

function importsOf(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => m[1] ?? "");
}

describe("module graph", () => {
  it("knows every workspace", () => {
    for (const ws of workspaces) expect(Object.keys(ALLOWED), ws.name).toContain(ws.name);
  });

  it("keeps dependencies pointing one way and never reaches into another package's files", () => {
    const violations: string[] = [];
    for (const ws of workspaces) {
      for (const file of ws.files) {
        for (const spec of importsOf(file)) {
          const where = relative(ROOT, file);
          if (spec.startsWith("@orch/")) {
            const target = spec.split("/").slice(0, 2).join("/");
            if (spec !== target) violations.push(`${where}: deep import ${spec}`);
            if (target !== ws.name && !(ALLOWED[ws.name] ?? []).includes(target))
              violations.push(`${where}: ${ws.name} must not import ${target}`);
          } else if (spec.startsWith(".")) {
            const resolved = resolve(dirname(file), spec);
            if (!resolved.startsWith(ws.dir))
              violations.push(`${where}: relative import ${spec} leaves ${ws.name}`);
          }
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("keeps the workers' adapters (Datadog SDK, model client, tokenizer) out of the API process", () => {
    // Only `npm start` (apps/standalone) runs workers beside the API, in a workspace of its own.
    const api = workspaces.find((ws) => ws.name === "@orch/api");
    // The backend's client is fetch and zod, no SDK: the API reads its service directory (GET /services).
    const heavy = ["@orch/worker", "@orch/datadog", "@orch/llm"];
    const violations = (api?.files ?? []).flatMap((file) =>
      importsOf(file)
        .filter((spec) => heavy.includes(spec))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(api?.files.length).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it("has no import cycles inside a package", () => {
    const cycles: string[] = [];
    for (const ws of workspaces) {
      const graph = new Map<string, string[]>();
      for (const file of ws.files) {
        const deps = importsOf(file)
          .filter((s) => s.startsWith("."))
          .map((s) => resolve(dirname(file), s).replace(/\.js$/, ".ts"));
        graph.set(
          file,
          deps.filter((d) => graph.has(d) || ws.files.includes(d)),
        );
      }
      const state = new Map<string, "visiting" | "done">();
      const stack: string[] = [];
      const visit = (node: string) => {
        if (state.get(node) === "done") return;
        if (state.get(node) === "visiting") {
          const cycle = stack.slice(stack.indexOf(node)).concat(node);
          cycles.push(cycle.map((f) => relative(ROOT, f)).join(" → "));
          return;
        }
        state.set(node, "visiting");
        stack.push(node);
        for (const dep of graph.get(node) ?? []) visit(dep);
        stack.pop();
        state.set(node, "done");
      };
      for (const file of ws.files) visit(file);
    }
    expect(cycles).toEqual([]);
  });
});
