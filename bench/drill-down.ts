import { renderQuestion } from "@orch/core";
import { startEvalStack, type EvalStack } from "./eval/eval-stack.js";
import { familyNamed } from "./eval/families/family-catalog.js";
import { drawScenario } from "./eval/families/family-draws.js";
import { pinTimeOfDay } from "./eval/pin-time-of-day.js";

/**
 * `node --conditions=@orch/source --import tsx bench/drill-down.ts [N]`: what a drill-down round
 * costs. Runs N one-culprit scenarios (dev draws) end to end through the API, the workers, the
 * Redis cache and the Datadog client against the fake, with drill-downs off (max_rounds 0) and on
 * (the default), each cold (empty cache) then cached (the same jobs again): Datadog requests per
 * job, and the work time of the round (the tag reads deciding it, its execution and feedback).
 */
const count = Number(process.argv[2] ?? 10);
const family = familyNamed("one-culprit");
if (!family) throw new Error("no one-culprit family");
const scenarios = Array.from({ length: count }, (_, i) => drawScenario(family, "dev", i + 1).scenario);
const anchor = Math.ceil(Date.now() / 60_000) * 60_000 + 120_000;
const byService = new Map(scenarios.map((s) => [s.service, pinTimeOfDay(s, anchor)]));

interface JobRow {
  readonly requests: number;
  readonly ms: number;
  readonly round2Ms: number;
  readonly tagsMs: number;
  readonly rounds: number;
}

interface TraceStep {
  readonly name: string;
  readonly phase: string;
  readonly round?: number;
  readonly duration_ms: number;
}

async function runJob(stack: EvalStack, scenario: (typeof scenarios)[number]): Promise<JobRow> {
  const before = stack.datadog.requests.length;
  const started = performance.now();
  const res = await stack.post("/jobs", {
    service_id: scenario.service,
    user_message: renderQuestion(scenario.question, anchor),
    options: { timeframe: scenario.window, reasoner: "offline" },
  });
  const { job_id: id } = (await res.json()) as { job_id: string };
  let view: { status: string; round: number };
  do view = (await (await stack.get(`/jobs/${id}?wait=30`)).json()) as { status: string; round: number };
  while (!["completed", "failed", "cancelled"].includes(view.status));
  const ms = performance.now() - started;
  const trace = (await (await stack.get(`/jobs/${id}/trace`)).json()) as {
    steps: TraceStep[];
    round_durations_ms?: Record<string, number>;
  };
  const round2Ms = Object.values(trace.round_durations_ms ?? {}).reduce((a, b) => a + b, 0);
  const tagsMs = trace.steps.filter((s) => s.name === "metric_tags").reduce((a, s) => a + s.duration_ms, 0);
  return { requests: stack.datadog.requests.length - before, ms, round2Ms, tagsMs, rounds: view.round };
}

const mean = (xs: readonly number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const rows: string[] = [];
const results: Record<string, JobRow[]> = {};
const scenarioFor = (service: string) => {
  const found = byService.get(service);
  if (!found) throw new Error(`no scenario for ${service}`);
  return found;
};
// Both settings run side by side, a job of one then the same job of the other, so that the load
// of a shared machine weighs on both alike.
const stacks = new Map<number, EvalStack>();
try {
  for (const maxRounds of [0, 2])
    stacks.set(
      maxRounds,
      await startEvalStack({ scenarioFor, anchor: () => anchor, orchestrator: { max_rounds: maxRounds } }),
    );
  for (const stack of stacks.values()) {
    // A first job loads the Datadog client and warms the process; then the cache is emptied.
    const [first] = scenarios;
    if (first) await runJob(stack, first);
    await stack.flushDatadogCache();
  }
  for (const cache of ["cold", "cached"] as const)
    for (const scenario of scenarios)
      for (const [maxRounds, stack] of stacks)
        (results[`${maxRounds}-${cache}`] ??= []).push(await runJob(stack, scenario));
} finally {
  for (const stack of stacks.values()) await stack.close();
}
const fmt = (n: number) => n.toFixed(1);
rows.push(
  "| max_rounds | cache | jobs | rounds taken (mean) | Datadog requests / job | job ms (mean) | round-2 work ms | tag reads ms |",
);
rows.push("|---|---|---|---|---|---|---|---|");
for (const [key, jobs] of Object.entries(results)) {
  const [maxRounds, cache] = key.split("-");
  rows.push(
    `| ${maxRounds} | ${cache} | ${jobs.length} | ${fmt(mean(jobs.map((j) => j.rounds)))} | ${fmt(mean(jobs.map((j) => j.requests)))} | ${fmt(mean(jobs.map((j) => j.ms)))} | ${fmt(mean(jobs.map((j) => j.round2Ms)))} | ${fmt(mean(jobs.map((j) => j.tagsMs)))} |`,
  );
}
const cold = (k: string) => results[k] ?? [];
const extra = mean(cold("2-cold").map((j) => j.requests)) - mean(cold("0-cold").map((j) => j.requests));
const extraCached =
  mean(cold("2-cached").map((j) => j.requests)) - mean(cold("0-cached").map((j) => j.requests));
const extraMs = mean(cold("2-cold").map((j) => j.ms)) - mean(cold("0-cold").map((j) => j.ms));
const extraMsCached = mean(cold("2-cached").map((j) => j.ms)) - mean(cold("0-cached").map((j) => j.ms));
rows.push("");
rows.push(
  `drill-down cost per job: +${fmt(extra)} Datadog requests and +${fmt(extraMs)} ms cold; +${fmt(extraCached)} requests and +${fmt(extraMsCached)} ms cached`,
);
process.stdout.write(`${rows.join("\n")}\n`);
