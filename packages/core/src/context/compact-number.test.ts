import { describe, expect, it } from "vitest";
import { compactNumber, signedCompactNumber } from "./compact-number.js";

describe("compactNumber", () => {
  it("keeps three significant digits", () => {
    expect(compactNumber(3.14159)).toBe("3.14");
    expect(compactNumber(0.012345)).toBe("0.0123");
    expect(compactNumber(42)).toBe("42");
    expect(compactNumber(-7.777)).toBe("-7.78");
  });

  it("uses SI suffixes for large magnitudes, rounding across a boundary", () => {
    expect(compactNumber(12_345)).toBe("12.3k");
    expect(compactNumber(999.96)).toBe("1k");
    expect(compactNumber(8_123_456_789)).toBe("8.12G");
    expect(compactNumber(2_500_000)).toBe("2.5M");
  });

  it("writes tiny values in exponent form and missing values as a dash", () => {
    expect(compactNumber(0.0000123)).toBe("1.23e-5");
    expect(compactNumber(0)).toBe("0");
    expect(compactNumber(null)).toBe("-");
    expect(compactNumber(Number.NaN)).toBe("-");
  });

  it("signs positive changes explicitly", () => {
    expect(signedCompactNumber(350)).toBe("+350");
    expect(signedCompactNumber(-12.5)).toBe("-12.5");
    expect(signedCompactNumber(0)).toBe("0");
  });
});
