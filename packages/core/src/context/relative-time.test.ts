import { describe, expect, it } from "vitest";
import { relativeTime } from "./relative-time.js";

const end = Date.UTC(2025, 0, 2, 12, 0, 0);
const minutes = (n: number): number => end - n * 60_000;

describe("relativeTime", () => {
  it("writes offsets from the window end compactly", () => {
    expect(relativeTime(end, end)).toBe("0");
    expect(relativeTime(end - 40_000, end)).toBe("-40s");
    expect(relativeTime(minutes(35), end)).toBe("-35m");
    expect(relativeTime(minutes(60), end)).toBe("-1h");
    expect(relativeTime(minutes(310), end)).toBe("-5h10m");
    expect(relativeTime(minutes(51 * 60), end)).toBe("-2d3h");
    expect(relativeTime(end + 5 * 60_000, end)).toBe("+5m");
  });
});
