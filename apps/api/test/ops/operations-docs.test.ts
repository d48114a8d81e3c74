import { readFileSync } from "node:fs";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { envSchema, fileConfigSchema } from "@orch/config";
import { STATUS_OF } from "../../src/middleware/problem.js";

const docs = (name: string) => readFileSync(new URL(`../../../../docs/${name}`, import.meta.url), "utf8");

interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  type?: string | string[];
}

/** Every leaf key of config.json, dotted; a map's entries appear as `<id>`. */
function configKeys(node: JsonSchemaNode, prefix = ""): string[] {
  const keys: string[] = [];
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = `${prefix}${name}`;
    if (child.properties) keys.push(...configKeys(child, `${path}.`));
    else if (typeof child.additionalProperties === "object")
      keys.push(...configKeys(child.additionalProperties, `${path}.<id>.`));
    else keys.push(path);
  }
  return keys;
}

describe("docs/operations.md", () => {
  const text = docs("operations.md");

  it("documents every config.json key", () => {
    const keys = configKeys(
      z.toJSONSchema(fileConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode,
    );
    expect(keys.length).toBeGreaterThan(40);
    expect(keys.filter((key) => !text.includes(`\`${key}\``))).toEqual([]);
  });

  it("documents every environment variable", () => {
    expect(Object.keys(envSchema.shape).filter((name) => !text.includes(`\`${name}\``))).toEqual([]);
  });
});

describe("docs/errors.md", () => {
  it("has an entry for every error code, the anchor problem types link to", () => {
    const text = docs("errors.md");
    expect(Object.keys(STATUS_OF).filter((code) => !new RegExp(`^## ${code}$`, "m").test(text))).toEqual([]);
  });
});
