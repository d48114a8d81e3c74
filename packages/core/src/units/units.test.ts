import { describe, expect, it } from "vitest";
import { formatNumber, formatQuantity } from "./format-quantity.js";
import { convert, isShare, parseUnit, perSeconds, unitText } from "./unit.js";

describe("units", () => {
  it("parse Datadog's unit names, their plurals and this project's older words", () => {
    expect(parseUnit("millisecond")).toMatchObject({ family: "time", scale: 1e-3 });
    expect(parseUnit("seconds")).toMatchObject({ name: "second", family: "time" });
    expect(parseUnit("bytes")).toMatchObject({ name: "byte", family: "bytes" });
    expect(parseUnit("kilobytes")).toMatchObject({ name: "kibibyte", scale: 1024 });
    expect(parseUnit("request", "second")).toMatchObject({ name: "request", family: "count", per: "second" });
    expect(parseUnit("requests/second")).toMatchObject({ name: "request", per: "second" });
    expect(parseUnit("rate")).toMatchObject({ name: "", per: "second" });
    expect(parseUnit(undefined)).toBeUndefined();
    expect(parseUnit("")).toBeUndefined();
    expect(unitText(parseUnit("eviction", "second"))).toBe("eviction/second");
    expect(perSeconds(parseUnit("message/minute"))).toBe(60);
  });

  it("treat percent and fraction as shares of one whole, on different scales", () => {
    expect(isShare(parseUnit("percent"))).toBe(true);
    expect(isShare(parseUnit("fraction"))).toBe(true);
    expect(isShare(parseUnit("byte"))).toBe(false);
    expect(convert(58, parseUnit("percent")!, parseUnit("fraction")!)).toBeCloseTo(0.58);
    expect(convert(1500, parseUnit("millisecond")!, parseUnit("second")!)).toBe(1.5);
  });
});

describe("formatting", () => {
  it("renders every value in its unit, never in exponent notation", () => {
    expect(formatQuantity(0.35, "second")).toBe("350 ms");
    expect(formatQuantity(1.1, "second")).toBe("1.1 s");
    expect(formatQuantity(401, "millisecond")).toBe("401 ms");
    expect(formatQuantity(0.33, "fraction")).toBe("33%");
    expect(formatQuantity(33, "percent")).toBe("33%");
    expect(formatQuantity(12.2, "connection")).toBe("12.2 connections");
    expect(formatQuantity(1, "connection")).toBe("1 connection");
    expect(formatQuantity(5570, "request")).toBe("5,570 requests");
    expect(formatQuantity(350, "eviction/second")).toBe("350 evictions/s");
    expect(formatQuantity(3.4 * 1024 ** 3, "byte")).toBe("3.4 GiB");
    expect(formatQuantity(3.5e8, "nanocore")).toBe("0.35 cores");
    expect(formatQuantity(12, "query")).toBe("12 queries");
    expect(formatQuantity(Number.NaN, "second")).toBe("n/a");
    expect(formatQuantity(42, undefined)).toBe("42");
  });

  it("writes small and large numbers plainly", () => {
    expect(formatNumber(-5.55e-17)).toBe("0");
    expect(formatNumber(0.0000123)).toBe("0.0000123");
    expect(formatNumber(56_789)).toBe("56.8k");
    expect(formatNumber(7.8e21)).toBe("7,800,000,000T");
    expect(formatNumber(0)).toBe("0");
    for (const v of [1e-20, 3e-9, 7.8e21, -4e15]) expect(formatNumber(v)).not.toMatch(/e[+-]?\d/);
  });
});
