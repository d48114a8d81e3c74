import { describe, expect, it } from "vitest";
import { analyzeEvidence } from "../analysis/analyze-evidence.js";
import { SCENARIO_ANCHOR, scenarioEvidence } from "../../test/support/scenario-evidence.js";
import { webSeries } from "../../test/support/scenario-sweep.js";
import type { Intent } from "../plan.js";
import type { ConversationMessage } from "../ports.js";
import type { ScenarioInput } from "../scenario/scenario-schema.js";
import { composeOfflineAnswer } from "./compose-offline-answer.js";
import { groundedConfidence } from "./grounded-confidence.js";

function answerFor(
  input: Omit<ScenarioInput, "id" | "question"> & { question?: string },
  options: { intent?: Intent; fail?: string[]; history?: ConversationMessage[] } = {},
) {
  const { evidence, plan, scenario } = scenarioEvidence(
    { id: "answer", question: "Investigate recent 5xx errors", ...input },
    options,
  );
  const analysis = analyzeEvidence({ evidence, plan });
  const answer = composeOfflineAnswer({
    question: scenario.question,
    scope: { service_id: scenario.service, tags: [`service:${scenario.service}`] },
    plan,
    evidence,
    analysis,
    history: options.history ?? [],
  });
  return { answer, analysis };
}

const deployIncident = {
  service: "api-gateway",
  window: "24h",
  seed: 11,
  series: webSeries(0.06, 0.3, 15).map((s) =>
    s.metric === "trace.http.request.errors"
      ? { ...s, incidents: [{ type: "burst" as const, start: "-35m", end: "0", factor: 40 }] }
      : s,
  ),
  events: [{ title: "Deployed api-gateway v2.14.0", at: "-37m", type: "deploy" as const }],
};

describe("composeOfflineAnswer", () => {
  it("says it was produced offline and names the service, window and data source", () => {
    const { answer } = answerFor(deployIncident, { intent: "errors" });
    expect(answer.answer_markdown).toMatch(/offline analyst/i);
    expect(answer.answer_markdown).toMatch(/no language model/i);
    expect(answer.answer_markdown).toContain("`api-gateway`");
    expect(answer.answer_markdown).toContain("last 24h");
    expect(answer.answer_markdown).toContain("`demo`");
  });

  it("lists the ranked findings with severity, metric, time and numbers, and cites them", () => {
    const { answer, analysis } = answerFor(deployIncident, { intent: "errors" });
    const errors = analysis.findings.find((f) => f.metric === "trace.http.request.errors");
    expect(errors).toBeDefined();
    const line = answer.answer_markdown
      .split("\n")
      .find((l) => l.includes(`${errors?.id} · critical · errors`));
    expect(line).toMatch(/trace\.http\.request\.errors/);
    expect(line).toMatch(/since [A-Z][a-z]{2} \d{1,2} \d\d:\d\d UTC/);
    expect(line).toMatch(/→ \d+(\.\d+)? errors \((\+\d+%|×\d+(\.\d+)?)\)/);
    expect(answer.findings_used).toContain(errors?.id);
    expect(answer.findings_used.every((id) => analysis.findings.some((f) => f.id === id))).toBe(true);
  });

  it("recommends rolling back the deploy that preceded an error burst", () => {
    const { answer } = answerFor(deployIncident, { intent: "errors" });
    expect(answer.recommendations[0]).toMatch(/^Roll back "Deployed api-gateway v2\.14\.0"/);
    expect(answer.answer_markdown).toContain("### Recommendations");
  });

  it("shows a table of the key series", () => {
    const { answer } = answerFor(deployIncident, { intent: "errors" });
    expect(answer.answer_markdown).toContain("| series | current | mean | max | p95 | change |");
    expect(answer.answer_markdown).toMatch(/\| `trace\.http\.request\.errors` \|/);
  });

  it("has a missing-data section and lower confidence when a read failed", () => {
    const healthy = { service: "web-app", window: "1h", seed: 4, series: webSeries(0.06, 0.3, 15) };
    const full = answerFor(healthy);
    const partial = answerFor(healthy, { fail: ["trace.http.request.duration.by.service.95p"] });
    expect(full.answer.answer_markdown).not.toContain("### What this answer could not settle");
    expect(partial.answer.answer_markdown).toContain("### What this answer could not settle");
    expect(partial.answer.answer_markdown).toContain(
      "metrics trace.http.request.duration.by.service.95p: timeout",
    );
    expect(partial.answer.confidence).toBeLessThan(full.answer.confidence);
    expect(partial.answer.confidence).toBe(groundedConfidence(partial.analysis));
  });

  it("says clearly when nothing is wrong, with the evidence for it", () => {
    const { answer, analysis } = answerFor(
      { service: "web-app", window: "24h", seed: 8, series: webSeries(0.06, 0.35, 15) },
      { intent: "health" },
    );
    expect(analysis.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(answer.direct_answer).toMatch(
      /^Nothing abnormal in errors on web-app in the last 24h: \d+ series/,
    );
    expect(answer.answer_markdown).toContain("### Why this looks healthy");
    expect(answer.answer_markdown).toMatch(/`system\.cpu\.user` [\d.]+% now \(mean [\d.]+%/);
    expect(answer.answer_markdown).toContain("no deploys in the window");
    expect(answer.recommendations).toEqual(["No action needed now; keep the existing monitors in place."]);
    expect(answer.confidence).toBeGreaterThan(0.7);
  });

  it("advises on a memory leak with its projected exhaustion", () => {
    const series = webSeries(0.06, 0.3, 15).map((s) =>
      s.metric === "system.mem.pct_usable"
        ? { ...s, incidents: [{ type: "leak" as const, start: "-10h", to: 0.08 }] }
        : s,
    );
    const { answer } = answerFor(
      { service: "payments", window: "24h", seed: 5, series },
      { intent: "capacity" },
    );
    const advice = answer.recommendations.find((r) => r.startsWith("Memory leak"));
    expect(advice).toMatch(/heap dump/);
    expect(advice).toMatch(/before exhaustion in ~\d/);
  });

  it("advises scaling out a saturated CPU with a number", () => {
    const series = webSeries(0.06, 0.3, 15).map((s) =>
      s.metric === "system.cpu.user"
        ? { ...s, incidents: [{ type: "ramp" as const, start: "-40m", end: "-10m", to: 95 }] }
        : s,
    );
    const { answer } = answerFor(
      { service: "web-app", window: "24h", seed: 7, series },
      { intent: "performance" },
    );
    expect(answer.recommendations.find((r) => r.startsWith("Scale out"))).toMatch(
      /CPU peaked at [\d.]+% — add about \d+% more capacity/,
    );
  });

  it("does not call a service healthy when no metric returned data", () => {
    const { answer } = answerFor(
      { service: "web-app", window: "1h", seed: 4, series: webSeries(0.06, 0.3, 15) },
      { fail: webSeries(0.06, 0.3, 15).map((s) => s.metric) },
    );
    expect(answer.direct_answer).toMatch(/^I could not tell: none of the \d+ metric read\(s\) returned data/);
    expect(answer.answer_markdown).not.toContain("no problems found");
    expect(answer.confidence).toBeLessThan(0.4);
  });
});

/** A web service with some series patched. */
function web(patch: Record<string, Partial<ScenarioInput["series"][number]>>): ScenarioInput["series"] {
  return webSeries(0.06, 0.3, 15).map((s) => ({ ...s, ...(patch[s.metric] ?? {}) }));
}

const pool = {
  metric: "postgresql.percent_usage_connections",
  baseline: 0.6,
  noise: 0.04,
  max: 1,
  incidents: [{ type: "ramp" as const, start: "-40m", end: "-25m", to: 0.95 }],
};

const leak = web({
  "system.mem.pct_usable": { incidents: [{ type: "leak", start: "-10h", to: 0.06 }] },
});

const cpuRamp = web({
  "system.cpu.user": { incidents: [{ type: "ramp", start: "-40m", end: "-10m", to: 95 }] },
});

/** The cells of a key-series table row. */
function tableRow(markdown: string, metric: string): string[] {
  const row = markdown.split("\n").find((l) => l.startsWith(`| \`${metric}\` |`));
  return (row ?? "").split("|").map((c) => c.trim());
}

describe("composeOfflineAnswer, numbers", () => {
  it("shows shares as % and their changes in percentage points, never as raw ratios", () => {
    const { answer } = answerFor(
      { service: "payments", window: "24h", seed: 5, series: leak, question: "Why is memory growing?" },
      { intent: "capacity" },
    );
    const md = answer.answer_markdown;
    expect(md).toMatch(/-[\d.]+ pp\/h/);
    expect(md).not.toMatch(/%\/h/);
    expect(md).not.toMatch(/\b0\.\d+ →|→ 0\.\d+|threshold 0\.\d/);
    expect(tableRow(md, "system.mem.pct_usable")[6]).toMatch(/^-[\d.]+ pp$/);
  });

  it("shows a connection pool's usage as %, like CPU and disk", () => {
    const { answer } = answerFor(
      { service: "db", window: "1h", seed: 3, series: [pool] },
      { intent: "capacity" },
    );
    const row = tableRow(answer.answer_markdown, pool.metric);
    expect(row[2]).toMatch(/^[\d.]+%$/);
    expect(row[4]).toMatch(/^[\d.]+%$/);
  });

  it("gives one number per fact: a breach's peak and latest reading are the table's max and current", () => {
    const { answer, analysis } = answerFor(
      { service: "db", window: "1h", seed: 3, series: [pool] },
      { intent: "capacity" },
    );
    const finding = analysis.findings.find((f) => f.metric === pool.metric);
    const line = answer.answer_markdown.split("\n").find((l) => l.includes(`${finding?.id} · `)) ?? "";
    const [, , current, , max] = tableRow(answer.answer_markdown, pool.metric);
    expect(finding?.summary).toContain(`peaking at ${max}; latest ${current}`);
    expect(line).toContain(`now ${current}`);
    expect(line).toMatch(/critical threshold 90%/);
  });

  it("describes falling usable memory as memory use growing, never as growth of the series", () => {
    const { answer, analysis } = answerFor(
      { service: "payments", window: "24h", seed: 5, series: leak, question: "Why is memory growing?" },
      { intent: "capacity" },
    );
    const f = analysis.findings.find((x) => x.category === "memory_leak");
    const line = answer.answer_markdown.split("\n").find((l) => l.includes(`${f?.id} · `)) ?? "";
    expect(line).toMatch(/steady fall \(memory use growing, a leak pattern\) on `system\.mem\.pct_usable`/);
    expect(line).not.toMatch(/steady growth/);
    expect(f?.summary).toMatch(/usable memory keeps falling, so memory use keeps growing/);
  });

  it("tells a monitor's state once, not as numbers and again as a sentence", () => {
    const { answer } = answerFor({
      ...deployIncident,
      monitors: [
        { name: "api-gateway 5xx error rate", state: "Alert", query: "sum:trace.http.request.errors{*}" },
      ],
    });
    const line = answer.answer_markdown.split("\n").find((l) => l.includes("Monitor")) ?? "";
    expect(line.match(/api-gateway 5xx error rate/g)).toHaveLength(1);
  });
});

describe("composeOfflineAnswer, the question", () => {
  it("answers every signal the question names, also those that are fine", () => {
    const { answer } = answerFor(
      {
        service: "web-app",
        window: "24h",
        seed: 7,
        series: cpuRamp,
        question: "Check CPU and memory usage trends for the last 24 hours",
      },
      { intent: "capacity" },
    );
    const md = answer.answer_markdown;
    expect(md).toMatch(/\*\*CPU\*\*: F\d+ \(critical\) — system\.cpu\.user/);
    expect(md).toMatch(/\*\*Memory\*\*: nothing abnormal — `system\.mem\.pct_usable` [\d.]+% now/);
    expect(md.indexOf("**CPU**")).toBeLessThan(md.indexOf("**Memory**"));
  });

  it("leads a follow-up with the signal it names, pointing to the rest rather than repeating it", () => {
    const { answer, analysis } = answerFor(
      { service: "web-app", window: "24h", seed: 7, series: cpuRamp, question: "and memory?" },
      {
        intent: "capacity",
        history: [
          { role: "user", content: "Is CPU ok?" },
          { role: "assistant", content: "No — CPU is saturated." },
        ],
      },
    );
    expect(answer.direct_answer).toMatch(/^Nothing abnormal in memory on web-app in the last 24h/);
    expect(answer.direct_answer).toMatch(/Elsewhere: CPU has been saturated since/);
    const top = analysis.findings[0];
    expect(answer.answer_markdown).not.toContain(top?.summary ?? "-");
  });

  it("says only the job's own service was read when the question names another", () => {
    const { answer } = answerFor({
      service: "payments",
      window: "1h",
      seed: 4,
      series: webSeries(0.06, 0.3, 15),
      question: "compare api-gateway with payments memory",
    });
    expect(answer.answer_markdown).toContain(
      "Only `payments` was read: every query is scoped to it. The question also names `api-gateway`",
    );
  });

  it("gives a capacity question a forecast for each bounded resource", () => {
    const { answer } = answerFor(
      {
        service: "db",
        window: "24h",
        seed: 3,
        question: "Analyze current resource utilization and predict scaling needs",
        series: [
          { metric: "system.cpu.user", baseline: 40, noise: 0.05, max: 100 },
          {
            metric: "system.disk.in_use",
            baseline: 0.6,
            noise: 0.002,
            max: 1,
            incidents: [{ type: "ramp", start: "-24h", to: 0.8 }],
          },
        ],
      },
      { intent: "capacity" },
    );
    const md = answer.answer_markdown;
    expect(md).toContain("### Forecast");
    expect(md).toMatch(
      /- `system\.disk\.in_use` \(disk\): [\d.]+% now, rising \+[\d.]+ pp\/h: reaches 95% in ~[\d.]+ (h|days) and is full in ~[\d.]+ (h|days)/,
    );
    // CPU saturates and recovers with load; it is never "full in" some time.
    expect(md).not.toMatch(/- `system\.cpu\.user` \(CPU\)/);
  });

  it("on memory that grew through a short window, advises a longer look for a leak before raising the limit", () => {
    const { answer, analysis } = answerFor(
      { service: "payments", window: "1h", seed: 5, series: leak, question: "Why is memory growing?" },
      { intent: "capacity" },
    );
    expect(analysis.findings.some((f) => f.category === "memory_leak")).toBe(false);
    expect(answer.recommendations[0]).toMatch(
      /^Memory use on system\.mem\.pct_usable grew steadily within this 60 min window \(\d+% used now\): ask again over the last 3 days to tell a leak from load/,
    );
  });

  it("answers 'is it full?' yes when space left runs out, though no metric is named full", () => {
    const { answer } = answerFor({
      service: "edge-cache",
      window: "4h",
      seed: 3,
      question: "Is the edge-cache cache full?",
      series: [
        ...webSeries(0.06, 0.3, 15),
        {
          metric: "varnish.SMA.s0.g_space",
          baseline: 10e9,
          noise: 0.01,
          unit: "byte",
          metric_type: "gauge",
          incidents: [{ type: "ramp", start: "-150m", end: "-90m", to: 60e6 }],
        },
      ],
    });
    expect(answer.direct_answer).toMatch(/^Yes — space left on edge-cache has been down since/);
  });

  it("answers 'is it back to normal?' yes, now, when all it shows is over", () => {
    const { answer } = answerFor({
      service: "checkout",
      window: "6h",
      seed: 5,
      question: "Is checkout back to normal?",
      series: webSeries(0.06, 0.3, 15).map((s) =>
        s.metric === "trace.http.request.errors"
          ? { ...s, incidents: [{ type: "burst" as const, start: "-200m", end: "-170m", factor: 40 }] }
          : s,
      ),
    });
    expect(answer.direct_answer).toMatch(
      /^Yes, now — errors on checkout spiked from .* back to normal since/,
    );
  });

  it("reads a question naming an integration as about its metrics ('is pgbouncer maxed out?')", () => {
    const { answer } = answerFor({
      service: "billing",
      window: "1h",
      seed: 9,
      question: "Is pgbouncer maxed out on billing?",
      series: [
        ...webSeries(0.06, 0.3, 15),
        {
          metric: "pgbouncer.pools.cl_waiting",
          baseline: 0,
          noise: 0.1,
          integer: true,
          incidents: [{ type: "step", start: "-12m", to: 41, ramp: "5m" }],
        },
      ],
    });
    expect(answer.direct_answer).toMatch(
      /^Yes — clients waiting for a connection on billing have been up since/,
    );
  });

  it("gives no forecast to a question about errors", () => {
    const { answer } = answerFor(deployIncident, { intent: "errors" });
    expect(answer.answer_markdown).not.toContain("### Forecast");
  });
});

describe("short and long forms", () => {
  const cpuSpike = webSeries(0.06, 0.3, 15).map((s) =>
    s.metric === "system.cpu.user"
      ? { ...s, incidents: [{ type: "ramp" as const, start: "-40m", end: "-10m", to: 97 }] }
      : s,
  );

  it("keeps the direct answer, a short summary and the sections apart, and says nothing twice", () => {
    const { answer } = answerFor({
      service: "web-app",
      window: "4h",
      seed: 7,
      series: cpuSpike,
      question: "Is CPU ok?",
    });
    expect(answer.direct_answer).toMatch(/^No — CPU on web-app has been saturated since/);
    expect(answer.summary?.startsWith(answer.direct_answer ?? "-")).toBe(true);
    expect((answer.summary ?? "").split(/\s+/).length).toBeLessThanOrEqual(120);
    expect(answer.sections?.map((s) => s.title)).toEqual(
      expect.arrayContaining(["Findings", "Key series", "Recommendations", "How this was answered"]),
    );
    const sentences = answer.answer_markdown
      .split("\n")
      .filter((l) => !/^\s*(\||#)/.test(l) && l.trim() !== "")
      .flatMap((l) => l.split(/(?<=[.!?])\s+(?=[A-Z])/))
      .map((s) =>
        s
          .replace(/^\s*(-|\d+\.)\s*/, "")
          .replace(/[*_`]/g, "")
          .trim(),
      )
      .filter((s) => s.length >= 25);
    expect(new Set(sentences).size).toBe(sentences.length);
  });

  it("answers a follow-up in a session briefly, with the full report left in the sections", () => {
    const { evidence, plan, scenario } = scenarioEvidence({
      id: "f",
      service: "web-app",
      window: "4h",
      seed: 7,
      question: "and memory?",
      series: cpuSpike,
    });
    const analysis = analyzeEvidence({ evidence, plan });
    const answer = composeOfflineAnswer({
      question: scenario.question,
      scope: { service_id: "web-app", tags: ["service:web-app"] },
      plan,
      evidence,
      analysis,
      history: [
        { role: "user", content: "Is CPU ok?" },
        { role: "assistant", content: "No — CPU is saturated." },
      ],
    });
    expect(answer.answer_markdown).toMatch(/^Nothing abnormal in memory on web-app/);
    expect(answer.answer_markdown).not.toContain("### Findings");
    expect(answer.sections?.some((s) => s.title === "Findings")).toBe(true);
  });
});

describe("composeOfflineAnswer, reads as Datadog answers them", () => {
  const quiet = { service: "svc", window: "1h", seed: 3, series: webSeries(0.06, 0.3, 15) };

  it("never reads a failed read as the service reporting no such metric, nor as normal", () => {
    const failing = { intent: "errors" as const, fail: ["errors", "trace.http.request.errors"] };
    const series = [...quiet.series, { metric: "errors", baseline: 3, integer: true }];
    const one = answerFor({ ...quiet, series, question: "Are errors up on svc?" }, failing);
    const two = answerFor({ ...quiet, series, question: "Are errors and latency up on svc?" }, failing);

    for (const { answer } of [one, two]) {
      expect(answer.answer_markdown).not.toMatch(/reported no errors metric/);
      expect(answer.answer_markdown).not.toMatch(/errors on svc looks normal/);
    }
    expect(one.answer.direct_answer).toMatch(
      /^I could not tell: the read of `(errors|trace\.http\.request\.errors)` failed \(upstream_timeout\), so nothing can be said of errors on svc\./,
    );
    expect(two.answer.answer_markdown).toMatch(
      /\*\*Errors\*\*: unknown — the read of `(errors|trace\.http\.request\.errors)` failed \(upstream_timeout\)/,
    );
  });

  it("tells a monitor in Alert since long before the window as ongoing since its date, not as today's critical", () => {
    const { answer, analysis } = answerFor({
      ...quiet,
      monitors: [
        {
          name: "queue depth",
          state: "Alert",
          type: "metric alert",
          query: "avg(last_5m):avg:rabbitmq.queue.messages{service:svc} > 1000",
          service_tag: false,
          state_since: "-400d",
        },
      ],
    });
    const finding = analysis.findings.find((f) => f.metric === "monitors");
    expect(finding).toMatchObject({ severity: "warning" });
    expect(finding?.window.start).toBe(SCENARIO_ANCHOR - 3_600_000);
    const since = new Date(SCENARIO_ANCHOR - 400 * 86_400_000).toISOString().slice(0, 16).replace("T", " ");
    expect(answer.answer_markdown).toContain(`ongoing since ${since} UTC (before the window)`);
    expect(answer.answer_markdown).not.toMatch(/\(1 critical/);
  });

  it("says how many monitors were left out of the read, and why", () => {
    const { evidence, plan, scenario } = scenarioEvidence({ id: "x", question: "How is svc?", ...quiet });
    const withExclusions = {
      ...evidence,
      results: evidence.results.map((r) =>
        r.status === "ok" && r.tool === "monitors"
          ? {
              ...r,
              excluded: [
                { reason: "other_scope" as const, count: 40 },
                { reason: "over_cap" as const, count: 8 },
              ],
            }
          : r,
      ),
    };
    const answer = composeOfflineAnswer({
      question: scenario.question,
      scope: { service_id: "svc", tags: ["service:svc"] },
      plan,
      evidence: withExclusions,
      analysis: analyzeEvidence({ evidence: withExclusions, plan }),
      history: [],
    });
    expect(answer.answer_markdown).toContain(
      "48 monitor(s) found but left out: 40 name another service or env; 8 are past the most a read keeps",
    );
  });
});
