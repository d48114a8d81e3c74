import { describe, expect, it } from "vitest";
import { parseDuration, parseTimeframe, parseWindowDuration } from "./time-window.js";

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

  it("says in the label when a window was clamped, and to what", () => {
    const short = parseTimeframe("last 1m", "1h", NOW);
    expect(short.end - short.start).toBe(5 * 60_000);
    expect(short.label).toBe("last 5 minutes (the shortest window; asked for 1 minute)");
    const long = parseTimeframe("last 90d", "1h", NOW);
    expect(long.end - long.start).toBe(30 * 86_400_000);
    expect(long.label).toBe("last 30 days (the longest window; asked for 90 days)");
  });

  it.each([
    ["last 1s", "1 second"],
    ["last 30s", "30 seconds"],
    ["in the past 45 secs", "45 seconds"],
  ])("reads %j as seconds and widens it to the shortest window, saying so", (question, amount) => {
    const window = parseTimeframe(question, "1h", NOW);
    expect(window.end - window.start).toBe(5 * 60_000);
    expect(window.label).toBe(`last 5 minutes (the shortest window; asked for ${amount})`);
  });

  it.each(["last 0m", "last 0h", "over the past 0 days"])(
    "answers %j over the default window and never calls it 'last 0 minutes'",
    (question) => {
      const window = parseTimeframe(question, "1h", NOW);
      expect(window.end - window.start).toBe(3600_000);
      expect(window.label).toMatch(/^last hour \(the default: "0 \w+" is no window\)$/);
      expect(window.explicit).toBe(false);
    },
  );

  it("marks whether the question named its window", () => {
    expect(parseTimeframe("errors in the last 6 hours", "1h", NOW).explicit).toBe(true);
    expect(parseTimeframe("what went wrong yesterday?", "1h", NOW).explicit).toBe(true);
    expect(parseTimeframe("Why is memory growing?", "1h", NOW).explicit).toBe(false);
  });

  it("does not read a plural unit as a count of seconds", () => {
    const window = parseTimeframe("errors over the past hours", "1h", NOW);
    expect(window.end - window.start).toBe(3600_000);
    expect(parseTimeframe("the last few hours", "1h", NOW).label).toBe("last 3 hours");
  });

  it.each([
    ["errors in the last half hour", 30 * 60_000, "last 30 minutes"],
    ["anything odd in the past half an hour?", 30 * 60_000, "last 30 minutes"],
    ["latency over the last fortnight", 14 * 86_400_000, "last 2 weeks"],
    ["what happened in the last two and a half days", 2.5 * 86_400_000, "last 2.5 days"],
  ])("reads durations said in words: %j", (question, ms, label) => {
    const window = parseTimeframe(question, "1h", NOW);
    expect(window.end - window.start).toBe(ms);
    expect(window.label).toBe(label);
  });

  it.each([
    ["why did latency spike 2 hours ago?", 4 * 3600_000, "last 4 hours (around 2 hours ago)"],
    ["errors since the deploy an hour and a half ago", 3 * 3600_000, "last 3 hours (around 90 minutes ago)"],
    ["throughput dropped 20 minutes ago", 3600_000, "last hour (around 20 minutes ago)"],
    ["the disk filled up 3 days ago", 6 * 86_400_000, "last 6 days (around 3 days ago)"],
  ])("reads a moment %j with as much time before it as after, an hour at least", (question, ms, label) => {
    const window = parseTimeframe(question, "1h", NOW);
    expect(window.end).toBe(NOW);
    expect(window.end - window.start).toBe(ms);
    expect(window.label).toBe(label);
    expect(window.explicit).toBe(true);
  });

  it("labels a day-long default window in hours", () => {
    expect(parseTimeframe("How is it doing?", "24h", NOW).label).toBe("last 24 hours");
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

describe("parseWindowDuration", () => {
  it("rejects what is no window — zero, under a minute, unparseable — and accepts the rest", () => {
    for (const bad of ["0m", "0h", "0d", "1s", "30s", "59s", "soon", ""])
      expect(parseWindowDuration(bad)).toBeUndefined();
    expect(parseWindowDuration("1m")).toBe(60_000);
    expect(parseWindowDuration("24h")).toBe(86_400_000);
    expect(parseWindowDuration("90d")).toBe(90 * 86_400_000);
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
