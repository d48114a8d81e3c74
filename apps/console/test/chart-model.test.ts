import { describe, expect, it } from "vitest";
import type { Evidence, EvidenceSeries } from "../src/api/api-types";
import { alignedData, chartSpecs, stacked, yRange } from "../src/charts/chart-model";

const T0 = 1_700_000_000_000;
const points = (values: ReadonlyArray<number | null>, step = 60_000) =>
  values.map((v, i) => [T0 + i * step, v] as const);

function series(over: Partial<EvidenceSeries>): EvidenceSeries {
  return {
    id: "s1",
    metric: "m",
    label: "m",
    query: "avg:m{service:x}",
    group: [],
    role: "key",
    limit_of: null,
    kind: null,
    unit: "second",
    unit_family: "time",
    unit_scale: 1,
    findings: [],
    interval_s: 60,
    points: points([1, 2, 3]),
    points_read: 3,
    downsampled: false,
    ...over,
  };
}

function evidence(list: EvidenceSeries[], over: Partial<Evidence> = {}): Evidence {
  return {
    job_id: "j",
    status: "completed",
    window: { start: T0, end: T0 + 600_000, label: "last 10 minutes" },
    series: list,
    windows: [],
    thresholds: [],
    events: [],
    omitted_series: 0,
    evidence_expired: false,
    ...over,
  };
}

describe("charts of the evidence", () => {
  it("puts each metric on a chart with its limit, its findings' windows and thresholds, and deploy markers", () => {
    const specs = chartSpecs(
      evidence(
        [
          series({
            id: "s1",
            metric: "db.conn",
            role: "finding",
            findings: ["F1"],
            unit: "connection",
            unit_family: "count",
          }),
          series({
            id: "s2",
            metric: "db.max_conn",
            role: "limit",
            limit_of: "db.conn",
            points: points([10, 10, 10]),
          }),
          series({ id: "s3", metric: "cpu", unit: "percent", unit_family: "share", unit_scale: 0.01 }),
        ],
        {
          windows: [
            {
              finding: "F1",
              metric: "db.conn",
              group: null,
              severity: "critical",
              state: "ongoing",
              start: T0,
              end: T0 + 120_000,
              recovered_at: null,
            },
          ],
          thresholds: [
            {
              metric: "db.conn",
              group: null,
              value: 12,
              level: "critical",
              label: "critical threshold",
              finding: "F1",
            },
          ],
          events: [
            { id: "e1", time: T0 + 60_000, title: "Deployed v2", type: "deploy", tags: [] },
            { id: "e2", time: T0 + 60_000, title: "Paged", type: "alert", tags: [] },
          ],
        },
      ),
    );
    expect(specs.map((s) => [s.metric, s.layout, s.role])).toEqual([
      ["db.conn", "single", "finding"],
      ["cpu", "single", "key"],
    ]);
    const [db] = specs;
    expect(db?.limits.map((l) => l.id)).toEqual(["s2"]);
    expect(db?.windows.map((w) => w.finding)).toEqual(["F1"]);
    expect(db?.events.map((e) => e.title)).toEqual(["Deployed v2"]);
    // The threshold (12) is above every value and the limit (10): the scale shows it.
    expect(db?.y[1]).toBeGreaterThan(12);
    expect(db?.y[0]).toBe(0);
    expect(specs[1]?.windows).toEqual([]);
  });

  it("draws a breakdown of averages as small multiples and one of summed counts as stacked bars", () => {
    const hosts = ["host:a", "host:b", "host:c"];
    const latency = chartSpecs(
      evidence(hosts.map((h, i) => series({ id: `s${i}`, metric: "lat", group: [h], label: `lat{${h}}` }))),
    );
    expect(latency.map((s) => [s.title, s.layout, s.lines.length])).toEqual([
      ["lat by host", "multiples", 3],
    ]);

    const errors = chartSpecs(
      evidence([
        series({
          id: "all",
          metric: "err",
          query: "sum:err{service:x}.as_count()",
          unit: "error",
          unit_family: "count",
        }),
        ...hosts.map((h, i) =>
          series({
            id: `e${i}`,
            metric: "err",
            group: [h],
            query: "sum:err{service:x} by {host}.as_count()",
            unit: "error",
            unit_family: "count",
            points: points([1, 2, 3]),
          }),
        ),
      ]),
    );
    expect(errors.map((s) => [s.title, s.layout])).toEqual([
      ["m", "single"],
      ["err by host", "stacked"],
    ]);
    // The stack of three series of 3 reaches 9: the scale holds the stack, not only each part.
    expect(errors[1]?.y[1]).toBeGreaterThanOrEqual(9);
  });

  it("aligns lines on their timestamps in seconds and stacks running sums", () => {
    const data = alignedData([
      {
        id: "a",
        label: "a",
        group: [],
        points: [
          [1000, 1],
          [3000, 3],
        ],
      },
      {
        id: "b",
        label: "b",
        group: [],
        points: [
          [2000, 5],
          [3000, null],
        ],
      },
    ]);
    expect(data).toEqual([
      [1, 2, 3],
      [1, null, 3],
      [null, 5, null],
    ]);
    expect(
      stacked([
        [1, 2],
        [3, null],
      ]),
    ).toEqual([
      [1, 2],
      [4, 2],
    ]);
  });

  it("keeps air around the data and starts non-negative data at zero", () => {
    expect(yRange([10, 20])[0]).toBe(0);
    const [low, high] = yRange([100, 101]);
    expect(low).toBeLessThan(100);
    expect(high).toBeGreaterThan(101);
    expect(yRange([])).toEqual([0, 1]);
  });
});
