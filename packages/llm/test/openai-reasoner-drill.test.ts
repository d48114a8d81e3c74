import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatDrillContext, localise, serviceScope, type DrillOption, type Series } from "@orch/core";
import { fakeReply, startFakeOpenAI, type FakeOpenAI } from "@orch/testkit";
import { answerInput, END, reasonerOn, signal } from "./fixtures.js";

let fake: FakeOpenAI;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const menu: DrillOption[] = [
  { metric: "trace.http.request.errors", key: "resource_name", breakdown: "endpoint" },
  { metric: "trace.http.request.errors", key: "host", breakdown: "host" },
  { metric: "trace.http.request.duration.by.service.95p", key: "version", breakdown: "version" },
];
const input = {
  question: "Which endpoint is failing?",
  scope: serviceScope("api-gateway"),
  menu,
  limit: 2,
  findings: answerInput().analysis.findings,
};

describe("OpenAIReasoner.pickDrillDowns", () => {
  it("offers the menu of real tags as an enum and reads the picks back", async () => {
    fake.script(
      fakeReply.json({ picks: ["trace.http.request.errors by host"], reason: "one host may carry it" }),
    );
    const { value, steps } = await reasonerOn(fake).pickDrillDowns(input, signal());
    expect(value).toEqual([menu[1]]);
    expect(steps.map((s) => [s.name, s.status])).toEqual([["llm.drill_down", "ok"]]);
    const schema = fake.requests[0]?.body.response_format?.json_schema;
    expect(schema?.name).toBe("drill_down");
    expect(JSON.stringify(schema?.schema)).toContain('"enum":["trace.http.request.errors by resource_name"');
    expect(
      fake.requests[0]?.body.messages.some((m) =>
        m.content.includes("- trace.http.request.errors by host (host)"),
      ),
    ).toBe(true);
  });

  it("asks once more when a pick is not on the menu, then gives up for the rules", async () => {
    fake.script(
      fakeReply.json({ picks: ["trace.http.request.errors by customer_id"], reason: "x" }),
      fakeReply.json({ picks: ["system.cpu.user by host"], reason: "x" }),
    );
    const { value, steps } = await reasonerOn(fake).pickDrillDowns(input, signal());
    expect(value).toBeUndefined();
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ["llm.drill_down", "error"],
      ["llm.drill_down.repair", "error"],
    ]);
  });
});

describe("the drill-down's part of the answer's context", () => {
  it("keeps to a token budget of its own, with many groups capped into others", () => {
    const points = (before: number, after: number): Series["points"] =>
      Array.from({ length: 60 }, (_, i) => [END - (60 - i) * 60_000, i < 30 ? before : after] as const);
    const series = Array.from({ length: 30 }, (_, i): Series => ({
      metric: "trace.http.request.errors",
      query: "q",
      group: [`host:web-${i}`],
      points: points(1, i === 7 ? 50 : 1),
      interval_s: 60,
    }));
    const found = localise({
      key: "host",
      metric: "trace.http.request.errors",
      series,
      window: { start: END - 3_600_000, end: END },
      changeAt: END - 30 * 60_000,
      additive: true,
      subject: "errors",
    });
    if (!found) throw new Error("no localisation");
    const drill = { localisations: [found, found, found], absent: [], rounds: 1 };
    const count = (t: string) => Math.ceil(t.length / 4);
    const wide = formatDrillContext(drill, 5000, count);
    const narrow = formatDrillContext(drill, 120, count);
    expect(wide.told).toBe(3);
    expect(wide.text).toContain("culprit web-7");
    expect(wide.text).toContain("others (22)");
    expect(narrow.tokens).toBeLessThanOrEqual(120);
    expect(narrow.truncated).toBe(true);
  });
});
