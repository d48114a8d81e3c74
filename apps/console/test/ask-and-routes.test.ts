import { describe, expect, it } from "vitest";
import { timeframeOptions } from "../src/ask/timeframe";
import { parseRoute, routeHref } from "../src/routing/hash-route";

const NOW = Date.parse("2026-03-02T15:00:00Z");

describe("the ask form's window", () => {
  it("sends a preset as a timeframe and nothing for the question's own", () => {
    expect(timeframeOptions("question", "", "", NOW)).toEqual({ options: {} });
    expect(timeframeOptions("4h", "", "", NOW)).toEqual({ options: { timeframe: "4h" } });
  });

  it("sends a custom range as UTC instants and says what is wrong with a bad one", () => {
    const ok = timeframeOptions("custom", "2026-03-02T13:00", "2026-03-02T14:00", NOW);
    expect("options" in ok && Date.parse(ok.options.to ?? "") - Date.parse(ok.options.from ?? "")).toBe(
      3_600_000,
    );
    expect(timeframeOptions("custom", "2026-03-02T14:00", "2026-03-02T13:00", NOW)).toMatchObject({
      field: "from",
    });
    expect(timeframeOptions("custom", "2026-01-01T00:00", "2026-03-02T13:00", NOW)).toMatchObject({
      error: "The range may span at most 30 days.",
    });
    expect(timeframeOptions("custom", "2026-03-02T14:00", "2026-03-03T14:00", NOW)).toMatchObject({
      field: "to",
    });
    expect(timeframeOptions("custom", "", "2026-03-02T13:00", NOW)).toMatchObject({ field: "from" });
  });
});

describe("the console's pages in the URL fragment", () => {
  it("round-trips every page and refuses what is not one", () => {
    for (const route of [
      { page: "ask" as const },
      { page: "ask" as const, service: "web-app", session: "s-1" },
      { page: "job" as const, id: "0mwvAbC_1-x" },
      { page: "session" as const, id: "incident:4711" },
      { page: "history" as const, status: "failed" },
    ])
      expect(parseRoute(routeHref(route))).toEqual(route);
    expect(parseRoute("#/jobs/../../etc").page).toBe("not-found");
    expect(parseRoute("#/admin").page).toBe("not-found");
    expect(parseRoute("").page).toBe("ask");
  });
});
