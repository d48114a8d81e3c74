import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { offsetMs, parseDuration, textMatches } from "@orch/core";
import { parseScenarioFile } from "../scenario-library.js";
import { resolveFamilies } from "../scenario-sets.js";
import { FAMILIES } from "./family-catalog.js";
import { DRAWS_PER_SPLIT, drawScenario, drawSeed, familyScenarios } from "./family-draws.js";
import { ALL_CLEAR } from "./scenario-family.js";

const dev = familyScenarios("dev");
const test = familyScenarios("test");

/** A scenario without its name: what it would be under any id. */
const content = (f: (typeof dev)[number]) => JSON.stringify({ ...f.scenario, id: "" });

describe("the generated scenario families", () => {
  it("have at least 15 families of 20 draws, half dev and half test", () => {
    expect(FAMILIES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(FAMILIES.map((f) => f.name)).size).toBe(FAMILIES.length);
    expect(DRAWS_PER_SPLIT * 2).toBeGreaterThanOrEqual(20);
    expect(dev).toHaveLength(FAMILIES.length * DRAWS_PER_SPLIT);
    expect(test).toHaveLength(FAMILIES.length * DRAWS_PER_SPLIT);
  });

  it("draw the same scenarios from the same seeds, on every run", () => {
    expect(familyScenarios("dev").map(content)).toEqual(dev.map(content));
    expect(familyScenarios("test").map(content)).toEqual(test.map(content));
    // The seeds are part of the published splits: changing how they are made redraws every scenario.
    expect([drawSeed("cache-full", "dev", 1), drawSeed("cache-full", "test", 1)]).toMatchInlineSnapshot(`
      [
        743148429,
        4182194006,
      ]
    `);
  });

  it("are valid scenario files, as the library reads them (schema, and nothing both expected and forbidden)", () => {
    for (const f of [...dev, ...test]) {
      const parsed = parseScenarioFile(f.file, JSON.stringify(f.scenario));
      expect(parsed.scenario).toEqual(f.scenario);
    }
  });

  it("place every expected start inside the window, at least three minutes before its end", () => {
    for (const { scenario } of [...dev, ...test]) {
      const windowMs = parseDuration(scenario.window) ?? 0;
      for (const e of scenario.expected.findings) {
        if (e.start === undefined) continue;
        const at = offsetMs(e.start);
        expect(at, `${scenario.id} ${e.start}`).toBeGreaterThanOrEqual(-windowMs);
        expect(at, `${scenario.id} ${e.start}`).toBeLessThanOrEqual(-3 * 60_000);
      }
    }
  });

  it("keep the dev and test splits apart: other seeds, other ids, other scenarios", () => {
    const devSeeds = new Set(FAMILIES.flatMap((f) => [1, 2, 3].map((i) => drawSeed(f.name, "dev", i))));
    for (const f of FAMILIES)
      for (const i of [1, 2, 3]) expect(devSeeds.has(drawSeed(f.name, "test", i))).toBe(false);
    const ids = new Set(dev.map((f) => f.scenario.id));
    expect(test.some((f) => ids.has(f.scenario.id))).toBe(false);
    const devContent = new Set(dev.map(content));
    expect(test.some((f) => devContent.has(content(f)))).toBe(false);
    expect(new Set(dev.map(content)).size).toBe(dev.length);
  });

  it("give each draw its own service, so that a split runs in one wave or nearly", () => {
    const services = new Set([...dev, ...test].map((f) => f.scenario.service));
    expect(services.size).toBeGreaterThanOrEqual(dev.length + test.length - 4);
  });

  it("vary what they randomise: windows, phrasings, timeframes left to the planner, answer and state checks", () => {
    const all = [...dev, ...test].map((f) => f.scenario);
    expect(new Set(all.map((s) => s.window)).size).toBeGreaterThanOrEqual(10);
    expect(all.filter((s) => s.timeframe === null).length).toBeGreaterThanOrEqual(30);
    expect(all.filter((s) => /\{\{(time|date|iso):/.test(s.question)).length).toBeGreaterThanOrEqual(5);
    expect(all.filter((s) => (s.expected.answer?.lead ?? []).length > 0).length).toBeGreaterThanOrEqual(40);
    expect(
      all.filter((s) => s.expected.findings.some((e) => e.state === "recovered")).length,
    ).toBeGreaterThanOrEqual(10);
    expect(new Set(all.flatMap((s) => s.series.map((x) => x.unit ?? "none"))).size).toBeGreaterThanOrEqual(
      15,
    );
    expect(all.filter((s) => s.series.some((x) => x.cumulative)).length).toBeGreaterThanOrEqual(20);
    expect(all.filter((s) => s.series.some((x) => x.percentile)).length).toBeGreaterThanOrEqual(20);
    expect(drawScenario(FAMILIES[0]!, "dev", 1).scenario.id).toBe(`${FAMILIES[0]!.name}-dev-01`);
  });

  it("give the groups of one service one daily cycle, so that traffic moving between them is no step", () => {
    for (const { scenario } of [...dev, ...test]) {
      const cycles = new Map<string, Set<string>>();
      for (const s of scenario.series) {
        if (s.group.length === 0) continue;
        const seen = cycles.get(s.metric) ?? new Set<string>();
        seen.add(JSON.stringify(s.seasonality ?? null));
        cycles.set(s.metric, seen);
      }
      for (const [metric, seen] of cycles)
        expect({ id: scenario.id, metric, cycles: seen.size }).toMatchObject({ cycles: 1 });
    }
  });

  it("are written without the analyst's metric classification: the generator must stay independent of it", () => {
    const dir = fileURLToPath(new URL(".", import.meta.url));
    const sources = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
      (n) => n.endsWith(".ts") && !n.endsWith(".test.ts"),
    );
    for (const name of sources) {
      const text = readFileSync(`${dir}/${name}`, "utf8");
      expect(text, name).not.toMatch(/classifyMetric|limitMetricOf|isLimitMetric|shareUnitOf|metric-catalog/);
    }
  });
});

describe("choosing families by name", () => {
  it("names the known families when one is unknown", () => {
    expect(resolveFamilies(["cache-full"]).map((f) => f.name)).toEqual(["cache-full"]);
    expect(() => resolveFamilies(["cache-ful"])).toThrow(
      'no family "cache-ful"; the families are: errors-after-deploy',
    );
  });
});

describe("what no answer about an incident may say", () => {
  it("is a claim that all is well, not a healthy signal among others", () => {
    const says = (text: string) => textMatches(ALL_CLEAR, text);
    expect(says("Nothing abnormal in connections on sessions-eu1 in the last hour.")).toBe(true);
    expect(says("## sessions-eu1\n\nI found nothing abnormal in threads to explain it.")).toBe(true);
    expect(says("## sessions-eu1: no problems found")).toBe(true);
    expect(says("### Why this looks healthy")).toBe(true);
    expect(says("### What you asked about\n\n**Traffic**: nothing abnormal — 37k hits")).toBe(false);
  });
});
