import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseScenario, type Scenario } from "@orch/core";

/** One scenario file, parsed, with the path it came from. */
export interface ScenarioFile {
  readonly file: string;
  readonly scenario: Scenario;
}

/** A set of scenarios keyed by service: what the fake Datadog serves during an evaluation. */
export interface ScenarioLibrary {
  readonly scenarios: readonly ScenarioFile[];
  /** The scenario of a service; throws for an unknown service (the fake then answers with no data). */
  forService(service: string): Scenario;
}

/** A scenario file that cannot be used, naming the file and the first problem. */
export class ScenarioFileError extends Error {
  readonly code = "invalid_scenario";
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "ScenarioFileError";
  }
}

function describeIssue(error: unknown): string {
  if (typeof error === "object" && error !== null && "issues" in error && Array.isArray(error.issues)) {
    const issue = (error.issues as Array<{ path?: unknown[]; message?: string }>)[0];
    if (issue) return `${(issue.path ?? []).join(".") || "(root)"}: ${issue.message ?? "invalid"}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Parses one scenario file's text; the file name is only used in errors. */
export function parseScenarioFile(file: string, text: string): ScenarioFile {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw new ScenarioFileError(
      file,
      `not valid JSON (${error instanceof Error ? error.message : "parse error"})`,
    );
  }
  let scenario: Scenario;
  try {
    scenario = parseScenario(json);
  } catch (error) {
    throw new ScenarioFileError(file, describeIssue(error));
  }
  const forbidden = new Set(scenario.expected.forbidden_categories);
  const clash = scenario.expected.findings.find((f) => forbidden.has(f.category));
  if (clash) throw new ScenarioFileError(file, `category "${clash.category}" is both expected and forbidden`);
  return { file, scenario };
}

/**
 * A library from scenario files. Services must be unique: the fake Datadog routes every read
 * by the `service:` tag of the query, so two scenarios of one service would mix their data.
 */
export function scenarioLibrary(files: readonly ScenarioFile[]): ScenarioLibrary {
  const byService = new Map<string, ScenarioFile>();
  const ids = new Set<string>();
  for (const f of files) {
    const other = byService.get(f.scenario.service);
    if (other)
      throw new ScenarioFileError(f.file, `service "${f.scenario.service}" is also used by ${other.file}`);
    if (ids.has(f.scenario.id)) throw new ScenarioFileError(f.file, `id "${f.scenario.id}" is used twice`);
    byService.set(f.scenario.service, f);
    ids.add(f.scenario.id);
  }
  return {
    scenarios: [...files],
    forService(service) {
      const found = byService.get(service);
      if (!found) throw new Error(`no scenario for service "${service}"`);
      return found.scenario;
    },
  };
}

/** Reads every `*.json` file of a directory, in name order, as one library. */
export function loadScenarioDir(dir: string): ScenarioLibrary {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort();
  if (names.length === 0) throw new ScenarioFileError(dir, "no scenario files (*.json) in this directory");
  return scenarioLibrary(names.map((n) => parseScenarioFile(n, readFileSync(join(dir, n), "utf8"))));
}
