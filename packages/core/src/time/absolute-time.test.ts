import { describe, expect, it } from "vitest";
import { parseAbsoluteRange } from "./absolute-time.js";

// Monday 2025-03-03 16:20 UTC.
const NOW = Date.UTC(2025, 2, 3, 16, 20);
const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 16);
const range = (q: string) => {
  const r = parseAbsoluteRange(q, NOW);
  return r ? { start: iso(r.start), end: iso(r.end), notes: r.notes } : undefined;
};

describe("absolute times in questions", () => {
  it("reads a clock range on a named day", () => {
    expect(range("What happened to errors yesterday between 14:00 and 15:00 UTC?")).toMatchObject({
      start: "2025-03-02T14:00",
      end: "2025-03-02T15:00",
    });
    expect(range("errors yesterday 14:00–15:00 UTC")).toMatchObject({
      start: "2025-03-02T14:00",
      end: "2025-03-02T15:00",
    });
    expect(range("latency between 2pm and 3pm on Saturday")).toMatchObject({
      start: "2025-03-01T14:00",
      end: "2025-03-01T15:00",
    });
  });

  it("reads ISO 8601 instants, with or without an offset", () => {
    expect(range("from 2025-03-02T14:00Z to 2025-03-02T18:30Z")).toMatchObject({
      start: "2025-03-02T14:00",
      end: "2025-03-02T18:30",
    });
    expect(range("between 2025-03-02T14:00+02:00 and 2025-03-02T15:00+02:00")).toMatchObject({
      start: "2025-03-02T12:00",
      end: "2025-03-02T13:00",
    });
  });

  it("reads 'since' a clock time, today or else yesterday", () => {
    expect(range("errors since 09:30")).toMatchObject({ start: "2025-03-03T09:30", end: "2025-03-03T16:20" });
    expect(range("errors since 18:00")).toMatchObject({ start: "2025-03-02T18:00", end: "2025-03-03T16:20" });
  });

  it("reads whole days: last Tuesday, a date", () => {
    expect(range("what happened last Tuesday?")).toMatchObject({
      start: "2025-02-25T00:00",
      end: "2025-02-26T00:00",
    });
    expect(range("incident on March 1st")).toMatchObject({
      start: "2025-03-01T00:00",
      end: "2025-03-02T00:00",
    });
    expect(range("check 2025-02-28")).toMatchObject({ start: "2025-02-28T00:00", end: "2025-03-01T00:00" });
  });

  it("reads zones and offsets and says so", () => {
    expect(range("yesterday between 14:00 and 15:00 CET")).toMatchObject({ start: "2025-03-02T13:00" });
    expect(range("between 09:00 and 10:00 UTC+2")).toMatchObject({
      start: "2025-03-03T07:00",
      end: "2025-03-03T08:00",
    });
    expect(range("today 08:00-09:00 America/New_York")).toMatchObject({ start: "2025-03-03T13:00" });
    expect(range("yesterday 14:00-15:00")?.notes).toContain("times without a zone were read as UTC");
  });

  it("never reaches into the future, and reads no range from a relative question", () => {
    expect(range("today between 15:00 and 18:00 UTC")).toMatchObject({ end: "2025-03-03T16:20" });
    expect(range("errors in the last 2 hours")).toBeUndefined();
    expect(range("why is checkout slow?")).toBeUndefined();
  });

  it("reads parts of a day, noon and midnight", () => {
    expect(range("latency spike this morning")).toMatchObject({
      start: "2025-03-03T06:00",
      end: "2025-03-03T12:00",
    });
    expect(range("was checkout slow last Tuesday afternoon?")).toMatchObject({
      start: "2025-02-25T12:00",
      end: "2025-02-25T18:00",
    });
    expect(range("errors yesterday evening")).toMatchObject({
      start: "2025-03-02T18:00",
      end: "2025-03-03T00:00",
    });
    expect(range("what happened around noon?")).toMatchObject({
      start: "2025-03-03T11:30",
      end: "2025-03-03T12:30",
    });
    expect(range("errors since midnight")).toMatchObject({
      start: "2025-03-03T00:00",
      end: "2025-03-03T16:20",
    });
    // Not yet: nothing to read.
    expect(range("anything tonight?")).toBeUndefined();
  });

  it("reads a bare first hour of a range by the second's half of the day", () => {
    expect(range("today between 1 and 2pm")).toMatchObject({
      start: "2025-03-03T13:00",
      end: "2025-03-03T14:00",
    });
  });

  it("reads the weekend as Saturday and Sunday, the last one or the one under way", () => {
    expect(range("errors over the weekend")).toMatchObject({
      start: "2025-03-01T00:00",
      end: "2025-03-03T00:00",
    });
    const sunday = parseAbsoluteRange("how was traffic this weekend?", Date.UTC(2025, 2, 2, 10));
    expect(iso(sunday?.start)).toBe("2025-03-01T00:00");
    expect(iso(sunday?.end)).toBe("2025-03-02T10:00");
  });

  it("reads 'since' a day as from its start until now", () => {
    expect(range("errors since yesterday")).toMatchObject({
      start: "2025-03-02T00:00",
      end: "2025-03-03T16:20",
    });
    expect(range("has latency been high since Friday?")).toMatchObject({
      start: "2025-02-28T00:00",
      end: "2025-03-03T16:20",
    });
    // A day alone, or a span of days, is not "since".
    expect(range("what went wrong yesterday?")).toMatchObject({
      start: "2025-03-02T00:00",
      end: "2025-03-03T00:00",
    });
    expect(range("from Saturday to Sunday")).toMatchObject({
      start: "2025-03-01T00:00",
      end: "2025-03-02T00:00",
    });
  });
});
