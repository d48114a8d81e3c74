import { describe, expect, it } from "vitest";
import { parseScenario, type Finding, type ScenarioInput } from "@orch/core";
import { evalTotals } from "./eval-totals.js";
import { scoreScenario, startTolerance, type ScoredFinding } from "./score-scenario.js";

const ANCHOR = Date.UTC(2025, 2, 3, 14);
const MIN = 60_000;

function scenario(expected: ScenarioInput["expected"], window = "6h") {
  return parseScenario({
    id: "s",
    service: "svc",
    question: "How is it doing?",
    window,
    series: [{ metric: "trace.http.request.hits", baseline: 100 }],
    expected,
  });
}

let next = 0;
function finding(partial: Partial<Finding> & Pick<Finding, "category" | "metric">, startMin = -60): Finding {
  next += 1;
  return {
    id: `F${next}`,
    severity: "warning",
    window: { start: ANCHOR + startMin * MIN, end: ANCHOR },
    evidence: {},
    summary: "",
    score: 0.5,
    state: "ongoing",
    ...partial,
  };
}

/** A finding as an analysis that says nothing of its state reports it. */
function stateless(f: Finding): ScoredFinding {
  const { state: _state, ...rest } = f;
  return rest;
}

const LATENCY = "trace.http.request.duration.by.service.95p";

describe("scoreScenario", () => {
  it("matches a finding of the expected category and metric that starts within the tolerance", () => {
    const s = scenario({ findings: [{ category: "latency", metric: LATENCY, start: "-60m" }] });
    const score = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [finding({ category: "latency", metric: LATENCY }, -75)],
    });

    expect(score).toMatchObject({ matched: 1, recall: 1, precision: 1, timing_hits: 1, timing_checked: 1 });
  });

  it("tolerates max(20 minutes, 10 % of the window) on the start", () => {
    expect(startTolerance(3_600_000)).toBe(20 * MIN);
    expect(startTolerance(24 * 3_600_000)).toBe(144 * MIN);
    const s = scenario({ findings: [{ category: "latency", metric: LATENCY, start: "-60m" }] });
    const late = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [finding({ category: "latency", metric: LATENCY }, -60 + 45)],
    });

    expect(late.matched).toBe(0);
    expect(late.outcomes[0]?.timing).toBe("miss");
    expect(late.false_positives).toHaveLength(1);
    expect(late.timing_checked).toBe(1);
    expect(late.timing_hits).toBe(0);
  });

  it("matches any metric when none is named, and a prefix when the name ends in *", () => {
    const s = scenario({
      findings: [{ category: "errors" }, { category: "availability", metric: "trace.http.*" }],
    });
    const score = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [
        finding({ category: "errors", metric: "aws.applicationelb.httpcode_target_5xx_count" }),
        finding({ category: "availability", metric: "trace.http.request.hits" }),
      ],
    });

    expect(score.matched).toBe(2);
  });

  it("neither matches nor counts info findings", () => {
    const s = scenario({ findings: [{ category: "traffic", metric: "trace.http.request.hits" }] });
    const score = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [
        finding({ category: "traffic", metric: "trace.http.request.hits", severity: "info" }),
        finding({ category: "saturation", metric: "system.cpu.user", severity: "info" }),
      ],
    });

    expect(score).toMatchObject({ matched: 0, reported: 0, recall: 0, precision: 1 });
  });

  it("does not count deploy, log, monitor or same-category findings linked to a match as false positives", () => {
    const s = scenario({
      findings: [{ category: "errors", metric: "trace.http.request.errors", start: "-30m" }],
    });
    const errors = finding({ category: "errors", metric: "trace.http.request.errors" }, -30);
    const deploy = finding({ category: "deploy_regression", metric: "events", related: [errors.id] }, -32);
    const logs = finding({ category: "errors", metric: "logs", related: [errors.id] }, -31);
    const monitor = finding({ category: "saturation", metric: "monitors", related: [errors.id] }, -25);
    const score = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [{ ...errors, related: [deploy.id, logs.id] }, deploy, logs, monitor],
    });

    expect(score).toMatchObject({ matched: 1, precision: 1, false_positives: [] });
    expect(score.corroborating).toHaveLength(3);
  });

  it("counts unrelated findings, and related ones about another metric and category, as false positives", () => {
    const s = scenario({
      findings: [{ category: "errors", metric: "trace.http.request.errors", start: "-30m" }],
    });
    const errors = finding({ category: "errors", metric: "trace.http.request.errors" }, -30);
    const latency = finding({ category: "latency", metric: LATENCY, related: [errors.id] }, -30);
    const cpu = finding({ category: "saturation", metric: "system.cpu.user" }, -200);
    const score = scoreScenario({ scenario: s, anchor: ANCHOR, findings: [errors, latency, cpu] });

    expect(score.matched).toBe(1);
    expect(score.false_positives).toEqual([
      `${latency.id} latency ${LATENCY} warning`,
      `${cpu.id} saturation system.cpu.user warning`,
    ]);
    expect(score.precision).toBeCloseTo(1 / 3);
  });

  it("reports forbidden categories even when the finding corroborates a match", () => {
    const s = scenario({
      findings: [{ category: "latency", metric: LATENCY }],
      forbidden_categories: ["deploy_regression"],
    });
    const latency = finding({ category: "latency", metric: LATENCY });
    const deploy = finding({ category: "deploy_regression", metric: "events", related: [latency.id] });
    const score = scoreScenario({ scenario: s, anchor: ANCHOR, findings: [latency, deploy] });

    expect(score.forbidden).toEqual([`${deploy.id} deploy_regression events warning`]);
    expect(score.false_positives).toEqual(score.forbidden);
  });

  it("uses each finding for at most one expectation, assigning them so that most are matched", () => {
    const s = scenario(
      {
        findings: [
          { category: "latency", metric: LATENCY, start: "-5h" },
          { category: "latency", metric: LATENCY, start: "-4h" },
        ],
      },
      "6h",
    );
    const one = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [finding({ category: "latency", metric: LATENCY }, -270)],
    });
    const two = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [
        finding({ category: "latency", metric: LATENCY }, -270),
        finding({ category: "latency", metric: LATENCY }, -290),
      ],
    });

    expect(one).toMatchObject({ matched: 1, recall: 0.5 });
    expect(two).toMatchObject({ matched: 2, recall: 1, precision: 1 });
  });

  it("scores a job that did not complete as finding nothing", () => {
    const s = scenario({ findings: [{ category: "errors" }] });
    const score = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: undefined,
      error: "job failed: boom",
    });

    expect(score).toMatchObject({ matched: 0, recall: 0, error: "job failed: boom" });
  });
});

describe("evalTotals", () => {
  it("micro-averages recall and precision and checks them against the targets", () => {
    const quiet = scenario({ findings: [], forbidden_categories: ["traffic"] });
    const busy = scenario({
      findings: [
        { category: "errors", metric: "trace.http.request.errors" },
        { category: "latency", metric: LATENCY },
      ],
    });
    const scores = [
      scoreScenario({
        scenario: busy,
        anchor: ANCHOR,
        findings: [finding({ category: "errors", metric: "trace.http.request.errors" })],
      }),
      scoreScenario({
        scenario: quiet,
        anchor: ANCHOR,
        findings: [finding({ category: "traffic", metric: "trace.http.request.hits" })],
      }),
    ];
    const totals = evalTotals(scores);

    expect(totals).toMatchObject({ expected: 2, matched: 1, false_positives: 1, forbidden: 1, recall: 0.5 });
    expect(totals.precision).toBe(0.5);
    expect(totals.meets_targets).toBe(false);
    expect(totals.failing).toEqual(["s", "s"]);
  });
});

describe("the state, answer and window expectations", () => {
  const failed = (score: ReturnType<typeof scoreScenario>) =>
    score.checks.filter((c) => !c.passed).map((c) => `${c.kind} ${c.expected}: ${c.reason}`);

  it("checks the state of each matched finding; a finding without a state fails", () => {
    const s = scenario({
      findings: [
        { category: "errors", metric: "trace.http.request.errors", state: "recovered" },
        { category: "latency", metric: LATENCY, state: "ongoing" },
        { category: "traffic", metric: "trace.http.request.hits", state: "ongoing" },
      ],
    });
    const errors = finding({ category: "errors", metric: "trace.http.request.errors" });
    const latency = stateless(finding({ category: "latency", metric: LATENCY }));
    const score = scoreScenario({ scenario: s, anchor: ANCHOR, findings: [errors, latency] });

    expect(score.checks.map((c) => [c.kind, c.passed])).toEqual([
      ["state", false],
      ["state", false],
    ]);
    expect(failed(score)).toEqual([
      `state ${errors.id} (errors trace.http.request.errors) recovered: ${errors.id} is ongoing`,
      `state ${latency.id} (latency ${LATENCY}) ongoing: ${latency.id} has no state`,
    ]);
    const right = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [{ ...errors, state: "recovered" }],
    });
    expect(right.checks).toEqual([expect.objectContaining({ kind: "state", passed: true })]);
  });

  it("checks every answer matcher: substrings and regexes, case-insensitive, and the lead's two sentences", () => {
    const s = scenario({
      answer: {
        must_mention: ["MAXMEMORY", "/evict(ed|ions)/"],
        must_not_mention: ["no problems found"],
        lead: ["/\\bno\\b/"],
      },
    });
    const good = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [],
      answer: "## cache\n\nNo. Redis is at its maxmemory limit and keys are evicted.",
    });
    const bad = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [],
      answer: "## cache: 0 issues\n\nAll fine. Keys: none evicted.\n\nNo problems found.",
    });

    expect(good.checks).toHaveLength(4);
    expect(failed(good)).toEqual([]);
    expect(failed(bad)).toEqual([
      'answer mentions "MAXMEMORY": not in the answer',
      'answer does not mention "no problems found": the answer says "… issues All fine. Keys: none evicted. «No problems found»."',
      'answer leads with /\\bno\\b/: the lead is "cache: 0 issues All fine."',
    ]);
  });

  it("fails every answer and window check of a job without an answer", () => {
    const s = scenario({ answer: { must_mention: ["disk"] }, window: { min: "24h" } });
    const score = scoreScenario({ scenario: s, anchor: ANCHOR, findings: undefined, error: "job failed" });

    expect(failed(score)).toEqual([
      'answer mentions "disk": the job has no answer',
      "window at least 24h: the job has no window",
    ]);
  });

  it("checks the job's window: its length against min and max, its ends near start and end", () => {
    const s = scenario({ window: { min: "30m", max: "3h", start: "-26h", end: "-25h" } }, "2d");
    const hour = 60 * MIN;
    const right = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [],
      window: { start: ANCHOR - 26 * hour + 10 * MIN, end: ANCHOR - 25 * hour },
    });
    const lastDay = scoreScenario({
      scenario: s,
      anchor: ANCHOR,
      findings: [],
      window: { start: ANCHOR - 26 * hour, end: ANCHOR - 2 * MIN },
    });

    expect(right.checks.map((c) => c.passed)).toEqual([true, true, true, true]);
    // The tolerance comes from the hour asked for (20 minutes), not from the scenario's two days.
    expect(failed(lastDay)).toEqual([
      "window at most 3h: the job read 1d 1h, -1d 2h → -2m",
      "window ends at -25h (±20m): the job read 1d 1h, -1d 2h → -2m",
    ]);
  });
});
