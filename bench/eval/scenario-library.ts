import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseScenario, type Scenario } from "@orch/core";

/** Where a scenario comes from: the committed files, or a draw of a generated family in a split. */
export type ScenarioSplit = "committed" | "dev" | "test";

/** One scenario file, parsed, with the path it came from. */
export interface ScenarioFile {
  readonly file: string;
  readonly scenario: Scenario;
  /** The generated family it was drawn from; "committed" for the committed files. */
  readonly family?: string;
  readonly split?: ScenarioSplit;
}

/**
 * A set of scenarios, in waves: the fake Datadog routes every read by the `service:` tag of the
 * query, so scenarios sharing a service run in separate waves (each wave's services unique),
 * and files that cannot be used are kept aside to be reported, not to stop the others.
 */
export interface ScenarioLibrary {
  /** Every usable scenario, in file order. */
  readonly scenarios: readonly ScenarioFile[];
  /** Files that could not be used, each naming the file and the problem. */
  readonly invalid: readonly ScenarioFileError[];
  /** The scenarios grouped so that no service appears twice in a wave; most sets have one wave. */
  readonly waves: ReadonlyArray<readonly ScenarioFile[]>;
}

/** A scenario file that cannot be used, naming the file and what is wrong. */
export class ScenarioFileError extends Error {
  readonly code = "invalid_scenario";
  constructor(
    readonly file: string,
    message: string,
    /** The expected findings the file declares, when it can be read that far (they count as missed). */
    readonly expectedFindings = 0,
  ) {
    super(`${file}: ${message}`);
    this.name = "ScenarioFileError";
  }
}

interface Issue {
  readonly path?: readonly PropertyKey[];
  readonly message?: string;
}

function describeIssues(error: unknown): string {
  if (typeof error === "object" && error !== null && "issues" in error && Array.isArray(error.issues)) {
    const issues = error.issues as Issue[];
    const shown = issues.slice(0, 3).map((issue) => {
      const path = (issue.path ?? []).map(String).join(".") || "(root)";
      const unknown = /unrecognized key/i.test(issue.message ?? "")
        ? " (unknown fields are errors, so that typos do not pass; see docs/scenarios.md)"
        : "";
      return `${path}: ${issue.message ?? "invalid"}${unknown}`;
    });
    const more = issues.length > 3 ? `; and ${issues.length - 3} more problem(s)` : "";
    if (shown.length > 0) return `${shown.join("; ")}${more}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** How many findings a file that failed validation expects, read leniently (0 when unreadable). */
function declaredFindings(json: unknown): number {
  if (typeof json !== "object" || json === null) return 0;
  const expected = (json as { expected?: { findings?: unknown } }).expected;
  return Array.isArray(expected?.findings) ? expected.findings.length : 0;
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
    throw new ScenarioFileError(file, describeIssues(error), declaredFindings(json));
  }
  const forbidden = new Set(scenario.expected.forbidden_categories);
  const clash = scenario.expected.findings
    .map((f) => (Array.isArray(f.category) ? f.category : [f.category]))
    .find((categories) => categories.every((c) => forbidden.has(c)));
  if (clash) {
    throw new ScenarioFileError(
      file,
      `category "${clash.join('" or "')}" is both expected and forbidden`,
      scenario.expected.findings.length,
    );
  }
  return { file, scenario };
}

/**
 * A library from scenario files (and the files that failed to load). A scenario whose service
 * an earlier one already uses goes to the next wave where it is free.
 */
export function scenarioLibrary(
  files: readonly ScenarioFile[],
  invalid: readonly ScenarioFileError[] = [],
): ScenarioLibrary {
  const waves: Array<{ services: Set<string>; files: ScenarioFile[] }> = [];
  for (const f of files) {
    let wave = waves.find((w) => !w.services.has(f.scenario.service));
    if (!wave) {
      wave = { services: new Set(), files: [] };
      waves.push(wave);
    }
    wave.services.add(f.scenario.service);
    wave.files.push(f);
  }
  return { scenarios: [...files], invalid: [...invalid], waves: waves.map((w) => w.files) };
}

/** The scenario of each service in one wave: what the fake Datadog serves while it runs. */
export function waveRouting(wave: readonly ScenarioFile[]): (service: string) => Scenario {
  const byService = new Map(wave.map((f) => [f.scenario.service, f.scenario]));
  return (service) => {
    const found = byService.get(service);
    if (!found) throw new Error(`no scenario for service "${service}"`);
    return found;
  };
}

/**
 * Reads every `*.json` file of a directory, in name order, as one library; a file that cannot
 * be used is listed in `invalid` rather than failing the others. Only a directory without any
 * scenario file is an error.
 */
export function loadScenarioDir(dir: string): ScenarioLibrary {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith(".json"))
    .sort();
  if (names.length === 0) throw new ScenarioFileError(dir, "no scenario files (*.json) in this directory");
  const files: ScenarioFile[] = [];
  const invalid: ScenarioFileError[] = [];
  for (const name of names) {
    try {
      files.push(parseScenarioFile(name, readFileSync(join(dir, name), "utf8")));
    } catch (error) {
      invalid.push(
        error instanceof ScenarioFileError
          ? error
          : new ScenarioFileError(name, error instanceof Error ? error.message : String(error)),
      );
    }
  }
  return scenarioLibrary(files, invalid);
}
