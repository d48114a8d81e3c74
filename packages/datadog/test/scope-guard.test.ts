import { describe, expect, it } from "vitest";
import { ScopeViolation, serviceScope } from "@orch/core";
import { scopedMonitorSearch } from "@orch/datadog";

describe("the monitor search of a scope", () => {
  it("finds the service's monitors by their own tags or by their query's scope", () => {
    expect(scopedMonitorSearch(serviceScope("checkout"))).toBe(
      '(tag:"service:checkout") OR (scope:"service:checkout")',
    );
  });

  it("requires every scope tag in both branches, so the OR never joins two services", () => {
    expect(scopedMonitorSearch(serviceScope("checkout", ["service:checkout", "team:pay"], "prod"))).toBe(
      '(tag:"service:checkout" AND tag:"team:pay" AND tag:"env:prod") OR ' +
        '(scope:"service:checkout" AND scope:"team:pay" AND scope:"env:prod")',
    );
  });

  it("refuses a scope without tags, or with a tag that could close its quotes", () => {
    expect(() => scopedMonitorSearch({ service_id: "checkout", tags: [] })).toThrow(ScopeViolation);
    expect(() =>
      scopedMonitorSearch({ service_id: "checkout", tags: ['service:checkout") OR (tag:"service:billing'] }),
    ).toThrow(ScopeViolation);
  });
});
