import { describe, expect, it } from "vitest";
import type { MonitorInfo } from "../evidence.js";
import { monitorDetections, monitorExclusionText } from "./monitors.js";

const END = Date.UTC(2025, 2, 3, 14, 0, 0);
const HOUR = { start: END - 3_600_000, end: END, label: "last hour" };
const monitor = (extra: Partial<MonitorInfo>): MonitorInfo => ({
  id: 1,
  name: "queue depth",
  state: "Alert",
  tags: [],
  query: "avg(last_5m):avg:rabbitmq.queue.messages{service:svc} > 1000",
  ...extra,
});

describe("monitorDetections", () => {
  it("tells an alert that began in the window as critical, from when it began", () => {
    const [d] = monitorDetections([monitor({ state_since: END - 20 * 60_000 })], HOUR);

    expect(d).toMatchObject({ severity: "critical", start: END - 20 * 60_000 });
    expect(d?.summary).toBe('Monitor "queue depth" is in Alert since 13:40 UTC');
  });

  it("tells an alert of 2022 as ongoing since its date and year, one severity lower, from the window's start", () => {
    const since = Date.UTC(2022, 2, 14, 2, 56);
    const [d] = monitorDetections([monitor({ state_since: since, last_triggered: END - 5 * 60_000 })], HOUR);

    expect(d).toMatchObject({
      severity: "warning",
      start: HOUR.start,
      evidence: { ongoing: "since before the window" },
    });
    expect(d?.summary).toBe(
      'Monitor "queue depth" is in Alert, ongoing since 2022-03-14 02:56 UTC (before the window), last triggered 13:55 UTC',
    );
  });

  it("keeps a long-standing Warn or No Data as context only", () => {
    const old = END - 30 * 86_400_000;
    const detections = monitorDetections(
      [monitor({ state: "Warn", state_since: old }), monitor({ id: 2, state: "No Data", state_since: old })],
      HOUR,
    );

    expect(detections.map((d) => d.severity)).toEqual(["info", "info"]);
  });

  it("reads the start from the last trigger when the state change is unknown", () => {
    const [d] = monitorDetections([monitor({ last_triggered: END - 10 * 60_000 })], HOUR);

    expect(d).toMatchObject({ severity: "critical", start: END - 10 * 60_000 });
  });
});

describe("monitorExclusionText", () => {
  it("counts the monitors left out and says why; nothing when none were", () => {
    expect(monitorExclusionText([])).toBeUndefined();
    expect(monitorExclusionText([{ reason: "unread", count: 0 }])).toBe(
      "Monitors: more may exist beyond the pages read",
    );
    expect(
      monitorExclusionText([
        { reason: "other_scope", count: 3 },
        { reason: "unread", count: 0 },
      ]),
    ).toBe(
      "3 monitor(s) found but left out: 3 name another service or env; more may exist beyond the pages read",
    );
  });
});
