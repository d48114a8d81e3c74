import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format } from "prettier";
import { scenarioJsonSchema } from "@orch/core";

/** Where the published JSON Schema of the scenario format lives. */
export const SCENARIO_SCHEMA_FILE = fileURLToPath(
  new URL("../../docs/scenario.schema.json", import.meta.url),
);

/** The JSON Schema document, as published: the zod schema's, with a title and a description. */
export function scenarioSchemaDocument(): Record<string, unknown> {
  const { $schema, ...rest } = scenarioJsonSchema();
  return {
    $schema,
    title: "Incident scenario",
    description:
      "A service, a question, a window, synthetic Datadog series with injected incidents, optional monitors, " +
      "events and logs, and the findings an analyst must (and must not) report. See docs/scenarios.md.",
    ...rest,
  };
}

/** The document as the committed file's text (Prettier-formatted JSON). */
export async function scenarioSchemaText(): Promise<string> {
  return format(JSON.stringify(scenarioSchemaDocument()), { parser: "json", printWidth: 110 });
}

/** The committed file, parsed. */
export function committedScenarioSchema(): unknown {
  return JSON.parse(readFileSync(SCENARIO_SCHEMA_FILE, "utf8")) as unknown;
}

/** Writes docs/scenario.schema.json from the zod schema. */
export async function writeScenarioSchema(): Promise<string> {
  writeFileSync(SCENARIO_SCHEMA_FILE, await scenarioSchemaText());
  return SCENARIO_SCHEMA_FILE;
}
