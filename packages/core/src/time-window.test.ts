import { describe, expect, it } from "vitest";
import { parseDuration, parseTimeframe } from "./time-window.js";

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

describe("parseTimeframe", () => {
  it.each([
    ["Check CPU and memory usage trends for the last 24 hours", 24 * 3600_000, "last 24 hours"],
    ["errors in the past 30m", 30 * 60_000, "last 30 minutes"],
    ["what happened over the last 2 days?", 2 * 86_400_000, "last 2 days"],
    ["latency in the last hour", 3600_000, "last hour"],
    ["past week of memory", 7 * 86_400_000, "last week"],
    ["the previous fifteen minutes", 15 * 60_000, "last 15 minutes"],
    ["show 6h of data", 6 * 3600_000, "last 6 hours"],
  ])("reads %j", (question, ms, label) => {
    const window = parseTimeframe(question, "1h", NOW);
    expect(window.end).toBe(NOW);
    expect(window.end - window.start).toBe(ms);
    expect(window.label).toBe(label);
  });

  it("falls back to the default timeframe", () => {
    const window = parseTimeframe("Investigate recent 5xx errors", "4h", NOW);
    expect(window.end - window.start).toBe(4 * 3600_000);
  });

  it("reads yesterday as the previous UTC day", () => {
    const window = parseTimeframe("what went wrong yesterday?", "1h", NOW);
    expect(window.start).toBe(Date.UTC(2026, 10, 24));
    expect(window.end).toBe(Date.UTC(2026, 10, 25));
  });

  it("clamps absurd windows to 30 days and tiny ones to 5 minutes", () => {
    expect(
      parseTimeframe("last 5000 days", "1h", NOW).end - parseTimeframe("last 5000 days", "1h", NOW).start,
    ).toBe(30 * 86_400_000);
    expect(
      parseTimeframe("last 10 seconds", "1h", NOW).end - parseTimeframe("last 10 seconds", "1h", NOW).start,
    ).toBe(5 * 60_000);
  });
});

describe("parseDuration", () => {
  it("parses compact durations and rejects others", () => {
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("2 hours")).toBe(7_200_000);
    expect(parseDuration("soon")).toBeUndefined();
    expect(parseDuration("5 parsecs")).toBeUndefined();
  });
});
