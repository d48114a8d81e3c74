import { describe, expect, it } from "vitest";
import { lttb } from "./lttb.js";

const series = (n: number, f: (i: number) => number | null): Array<[number, number | null]> =>
  Array.from({ length: n }, (_, i) => [i * 60_000, f(i)]);

describe("lttb", () => {
  it("returns exactly the threshold, keeping the first and last points", () => {
    const data = series(1440, (i) => Math.sin(i / 50));
    const out = lttb(data, 48);
    expect(out).toHaveLength(48);
    expect(out[0]).toEqual(data[0]);
    expect(out[47]).toEqual(data[1439]);
    const times = out.map((p) => p[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("keeps a one-point spike that averaging would flatten", () => {
    const out = lttb(
      series(1440, (i) => (i === 777 ? 500 : 10)),
      24,
    );
    expect(out.some(([t, v]) => t === 777 * 60_000 && v === 500)).toBe(true);
  });

  it("drops gaps and returns short series whole", () => {
    const data = series(10, (i) => (i % 3 === 0 ? null : i));
    expect(lttb(data, 48)).toEqual(data.filter((p) => p[1] !== null));
    expect(lttb(data, 2)).toEqual([
      [60_000, 1],
      [8 * 60_000, 8],
    ]);
    expect(lttb(data, 0)).toEqual([]);
  });
});
