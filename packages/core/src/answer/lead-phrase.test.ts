import { describe, expect, it } from "vitest";
import type { Finding } from "../finding.js";
import { subjectOf } from "./lead-phrase.js";

const finding = (metric: string, kind: Finding["kind"], category: Finding["category"]): Finding => ({
  id: "F1",
  category,
  severity: "warning",
  metric,
  kind,
  window: { start: 0, end: 60_000 },
  evidence: {},
  summary: `${metric} rose`,
  score: 0.6,
  state: "ongoing",
});

describe("what a finding is about", () => {
  it.each([
    ["pgbouncer.pools.cl_waiting", "clients waiting for a connection"],
    ["kubernetes_state.container.waiting", "containers waiting to start"],
    ["kubernetes.containers.state.waiting", "containers waiting to start"],
    ["postgresql.waiting_queries", "queries waiting"],
    ["kafka.producer.waiting_threads", "threads waiting"],
  ])("names what waits in %s as the metric says: %s", (metric, subject) => {
    expect(subjectOf(finding(metric, "saturation", "saturation"))).toBe(subject);
  });

  it("does not call any other waiting series clients waiting for a connection", () => {
    expect(subjectOf(finding("nginx.net.waiting", "saturation", "saturation"))).not.toMatch(/clients/);
  });
});
