import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { committedScenarioSchema, scenarioSchemaDocument } from "./scenario-schema-file.js";
import {
  loadScenarioDir,
  parseScenarioFile,
  scenarioLibrary,
  ScenarioFileError,
  waveRouting,
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

    expect(library.invalid).toEqual([]);
    expect(library.waves).toHaveLength(1);
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
    // An expectation may accept a list of categories (the schema allows it): each counts.
    const expected = new Set(scenarios.flatMap((s) => s.expected.findings.flatMap((f) => f.category)));
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

  it("runs scenarios sharing a service in separate waves, since the fake Datadog routes reads by service", () => {
    const a = parseScenarioFile("a.json", minimal());
    const b = parseScenarioFile("b.json", minimal({ id: "b" }));
    const c = parseScenarioFile("c.json", minimal({ id: "c", service: "svc-c" }));

    const library = scenarioLibrary([a, b, c]);

    expect(library.waves.map((w) => w.map((f) => f.file))).toEqual([["a.json", "c.json"], ["b.json"]]);
    expect(waveRouting(library.waves[1]!)("svc-a").id).toBe("b");
    expect(() => waveRouting(library.waves[1]!)("svc-c")).toThrow(/no scenario for service "svc-c"/);
  });

  it("sets a file it cannot use aside, naming it and its problem, and loads the rest", () => {
    const dir = mkdtempSync(join(tmpdir(), "scenarios-"));
    try {
      writeFileSync(join(dir, "a.json"), minimal());
      writeFileSync(
        join(dir, "b.json"),
        minimal({ id: "b", windwo: "2h", expected: { findings: [{ category: "errors" }] } }),
      );
      writeFileSync(join(dir, "c.json"), "{ not json");

      const library = loadScenarioDir(dir);

      expect(library.scenarios.map((s) => s.file)).toEqual(["a.json"]);
      expect(library.invalid.map((e) => e.message)).toEqual([
        expect.stringMatching(/^b\.json: \(root\): Unrecognized key: "windwo" \(unknown fields are errors/),
        expect.stringMatching(/^c\.json: not valid JSON/),
      ]);
      expect(library.invalid.map((e) => e.expectedFindings)).toEqual([1, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("accepts notes and descriptions for people, and $schema, anywhere they are harmless", () => {
    const annotated = minimal({
      $schema: "../../docs/scenario.schema.json",
      description: "a quiet service",
      notes: ["written by hand", "checked with --noise 20"],
      series: [
        {
          metric: "system.cpu.user",
          baseline: 30,
          max: 100,
          description: "CPU",
          incidents: [{ type: "spike", start: "-20m", notes: "a short one" }],
        },
      ],
      expected: { findings: [{ category: "saturation", description: "the spike" }] },
    });

    expect(parseScenarioFile("annotated.json", annotated).scenario.notes).toEqual([
      "written by hand",
      "checked with --noise 20",
    ]);
  });

  it.each([
    ["2m", /window: the window must be from 5m to 30d \(got "2m"\)/],
    ["45d", /window: the window must be from 5m to 30d \(got "45d"\)/],
    ["soon", /window: a duration such as 30m, 6h or 7d, from 5m to 30d \(got "soon"\)/],
  ])("refuses the window %s, saying which range the format allows", (window, message) => {
    expect(() => parseScenarioFile("w.json", minimal({ window }))).toThrow(message);
  });
});
