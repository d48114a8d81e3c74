import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { committedScenarioSchema, scenarioSchemaDocument } from "./scenario-schema-file.js";
import {
  loadScenarioDir,
  parseScenarioFile,
  scenarioLibrary,
  ScenarioFileError,
} from "./scenario-library.js";

const DIR = fileURLToPath(new URL("../scenarios/", import.meta.url));

const minimal = (patch: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: "a",
    service: "svc-a",
    question: "How is it doing?",
    series: [{ metric: "system.cpu.user", baseline: 30, max: 100 }],
    ...patch,
  });

describe("the published scenario schema", () => {
  it("is what the zod schema generates (regenerate with npm run eval:schema)", () => {
    expect(committedScenarioSchema()).toEqual(scenarioSchemaDocument());
  });
});

describe("the committed scenario set", () => {
  const names = readdirSync(DIR).filter((n) => n.endsWith(".json"));

  it("has at least twenty scenarios, one service each, all pointing at the published schema", () => {
    const library = loadScenarioDir(DIR);

    expect(library.scenarios.length).toBeGreaterThanOrEqual(20);
    expect(new Set(library.scenarios.map((s) => s.scenario.service)).size).toBe(library.scenarios.length);
    for (const name of names) {
      const json = JSON.parse(readFileSync(`${DIR}${name}`, "utf8")) as Record<string, unknown>;
      expect(json.$schema, name).toBe("../../docs/scenario.schema.json");
      expect(`${String(json.id)}.json`, name).toBe(name);
    }
  });

  it("covers incidents, quiet services and every finding category", () => {
    const scenarios = loadScenarioDir(DIR).scenarios.map((s) => s.scenario);
    const expected = new Set(scenarios.flatMap((s) => s.expected.findings.map((f) => f.category)));
    const quiet = scenarios.filter((s) => s.expected.findings.length === 0);

    expect([...expected].sort()).toEqual([
      "availability",
      "capacity",
      "deploy_regression",
      "errors",
      "latency",
      "memory_leak",
      "saturation",
      "traffic",
    ]);
    expect(quiet.length).toBeGreaterThanOrEqual(5);
    expect(quiet.every((s) => s.expected.forbidden_categories.length > 0)).toBe(true);
  });
});

describe("loading scenario files", () => {
  it("names the file and the field of the first problem", () => {
    const bad = minimal({
      series: [{ metric: "system.cpu.user", baseline: 30, incidents: [{ type: "spike", start: "-1h30m" }] }],
    });

    expect(() => parseScenarioFile("bad.json", bad)).toThrow(/bad\.json: series\.0\.incidents\.0\.start/);
    expect(() => parseScenarioFile("broken.json", "{")).toThrow(/broken\.json: not valid JSON/);
  });

  it("refuses a category that is both expected and forbidden", () => {
    const both = minimal({
      expected: { findings: [{ category: "errors" }], forbidden_categories: ["errors"] },
    });

    expect(() => parseScenarioFile("both.json", both)).toThrow(ScenarioFileError);
  });

  it("refuses two scenarios of one service, since the fake Datadog routes reads by service", () => {
    const a = parseScenarioFile("a.json", minimal());
    const b = parseScenarioFile("b.json", minimal({ id: "b" }));

    expect(() => scenarioLibrary([a, b])).toThrow(/b\.json: service "svc-a" is also used by a\.json/);
    expect(scenarioLibrary([a]).forService("svc-a").id).toBe("a");
  });
});
