import { describe, expect, it } from "vitest";
import { axisLabel, formatValue, formatValues } from "../src/charts/unit-format";

describe("values in their units", () => {
  it("writes an axis in one sub-unit chosen for its largest value", () => {
    expect(formatValues([0, 0.2, 0.4], { unit: "second", family: "time", scale: 1 })).toEqual([
      "0 ms",
      "200 ms",
      "400 ms",
    ]);
    expect(formatValues([0, 1500], { unit: "millisecond", family: "time", scale: 1e-3 })).toEqual([
      "0 s",
      "1.5 s",
    ]);
    expect(formatValues([512, 2 * 1024 ** 3], { unit: "byte", family: "bytes", scale: 1 })).toEqual([
      "0 GiB",
      "2 GiB",
    ]);
  });

  it("shows shares as percentages, whatever their scale", () => {
    expect(formatValue(0.93, { unit: "fraction", family: "share", scale: 1 })).toBe("93%");
    expect(formatValue(93, { unit: "percent", family: "share", scale: 0.01 })).toBe("93%");
  });

  it("names counted things in the plural, per second when a rate", () => {
    expect(formatValue(74, { unit: "error", family: "count", scale: 1 })).toBe("74 errors");
    expect(formatValue(12_300, { unit: "request/second", family: "count", scale: 1 })).toBe(
      "12.3k requests/s",
    );
    expect(axisLabel({ unit: "entry", family: "count", scale: 1 })).toBe("entries");
    expect(formatValue(null, { unit: "error", family: "count", scale: 1 })).toBe("no data");
  });
});
