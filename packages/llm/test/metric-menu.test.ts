import { describe, expect, it } from "vitest";
import { metricMenu } from "../src/metric-menu.js";

describe("metricMenu", () => {
  it("lists at most the limit, the kinds the question names first", () => {
    const custom = Array.from({ length: 500 }, (_, i) => `custom.app.gauge_${i}`);
    const menu = metricMenu(
      [...custom, "system.cpu.user", "trace.http.request.errors"],
      "why are errors up?",
      50,
    );
    const lines = menu.text.split("\n");
    expect(lines).toHaveLength(50);
    expect(lines[0]).toBe("- trace.http.request.errors (errors)");
    expect(lines[1]).toBe("- system.cpu.user (cpu)");
    expect(menu.summary).toBe("the 50 most relevant of 502");
  });

  it("says so when discovery found nothing", () => {
    expect(metricMenu([], "cpu?").summary).toBe("discovery found none");
  });
});
