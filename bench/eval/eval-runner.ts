import { runJob, type JobOutcome, type RunPlan } from "./eval-job.js";
import { evalTotals, type EvalTotals } from "./eval-totals.js";
import { startEvalStack, type EvalStack } from "./eval-stack.js";
import { pinTimeOfDay } from "./pin-time-of-day.js";
import {
  waveRouting,
  type ScenarioFile,
  type ScenarioFileError,
  type ScenarioLibrary,
  type ScenarioSplit,
} from "./scenario-library.js";
import { scoreScenario, type ScenarioScore, type ScoredFinding } from "./score-scenario.js";

export type { RunPlan };

export type EvalReasoner = "offline" | "openai";

export interface EvalOptions {
  readonly library: ScenarioLibrary;
  readonly reasoner?: EvalReasoner;
  /** Required with the openai reasoner: where the model is. */
  readonly openai?: { readonly apiKey: string; readonly baseUrl?: string };
  /** Scenarios submitted together under one anchor; default all of them (offline) or 4 (openai). */
  readonly batchSize?: number;
  /** How long one job may take before it is scored as failed; default 120 s. */
  readonly jobTimeoutMs?: number;
  readonly logLevel?: string;
  /** Called as each scenario is scored. */
  readonly onScore?: (run: ScenarioRun) => void;
}

/** One scenario's job and its score (or a file that could not be run, scored as failed). */
export interface ScenarioRun {
  readonly score: ScenarioScore;
  readonly file: string;
  /** The family it was drawn from ("committed" for the committed files) and its split. */
  readonly family: string;
  readonly split: ScenarioSplit;
  readonly job_id?: string;
  /** Submit to end of the job, as the client saw it. */
  readonly ms: number;
  readonly anchor: string;
  /** The wave it ran in (1-based); scenarios sharing a service run in different waves. 0: not run. */
  readonly wave: number;
  /** The job's findings as the API returned them. */
  readonly findings: readonly ScoredFinding[];
  /** The question as submitted, the job's answer text, the window it read and its plan. */
  readonly question?: string;
  readonly answer?: string;
  readonly window?: { readonly start: string; readonly end: string };
  readonly plan?: RunPlan;
}

export interface EvalReport {
  readonly reasoner: EvalReasoner;
  readonly started_at: string;
  readonly wall_ms: number;
  /** Requests the fake Datadog served: every read went through the real client and the cache. */
  readonly datadog_requests: number;
  readonly runs: readonly ScenarioRun[];
  /** Totals of each family, in the order they first appear ("committed" for the committed files). */
  readonly families: Readonly<Record<string, EvalTotals>>;
  readonly totals: EvalTotals;
}

/** Totals per family, in the order the families first appear. */
export function familyTotals(runs: readonly ScenarioRun[]): Record<string, EvalTotals> {
  const groups = new Map<string, ScenarioScore[]>();
  for (const run of runs) groups.set(run.family, [...(groups.get(run.family) ?? []), run.score]);
  return Object.fromEntries([...groups].map(([family, scores]) => [family, evalTotals(scores)]));
}

/** Scenario offsets are relative to an anchor at or just after the end of every job window of a batch. */
function batchAnchor(now: number): number {
  // Jobs read windows aligned down to the cache bucket (a minute): a minute of slack covers a batch that
  // runs into the next minute, and a window never reaches past the anchor into data the scenario did not define.
  return Math.ceil(now / 60_000) * 60_000 + 60_000;
}

/** The row of a file that could not be used: a failed run that found nothing. */
function invalidRun(error: ScenarioFileError, at: number): ScenarioRun {
  // A file whose findings cannot even be counted still counts one miss, so that it shows in the totals.
  const expected = Math.max(1, error.expectedFindings);
  return {
    score: {
      id: error.file.replace(/\.json$/, ""),
      service: "",
      expected,
      reported: 0,
      matched: 0,
      false_positives: [],
      corroborating: [],
      forbidden: [],
      outcomes: [],
      timing_hits: 0,
      timing_checked: 0,
      checks: [],
      recall: 0,
      precision: 1,
      error: `invalid scenario file: ${error.message}`,
    },
    file: error.file,
    family: "committed",
    split: "committed",
    ms: 0,
    anchor: new Date(at).toISOString(),
    wave: 0,
    findings: [],
  };
}

/**
 * Runs every scenario of the library end to end (API → queue → workers → fake Datadog) and
 * scores each job's findings. Scenarios of one batch share an anchor and run concurrently;
 * scenarios sharing a service run in later waves, each wave with its own routing in the fake
 * Datadog and an emptied Datadog cache. Files that could not be used are scored as failed rows.
 */
export async function runEval(options: EvalOptions): Promise<EvalReport> {
  const reasoner = options.reasoner ?? "offline";
  const started = Date.now();
  // The anchor the fake Datadog reads at: one per batch.
  const clock = { anchor: batchAnchor(started) };
  const waves = options.library.waves;
  let route = waveRouting(waves[0] ?? []);
  const stack = await startEvalStack({
    scenarioFor: (service) => pinTimeOfDay(route(service), clock.anchor),
    anchor: () => clock.anchor,
    ...(options.openai ? { openai: options.openai } : {}),
    ...(options.logLevel ? { logLevel: options.logLevel } : {}),
  });
  const runs: ScenarioRun[] = options.library.invalid.map((error) => {
    const run = invalidRun(error, clock.anchor);
    options.onScore?.(run);
    return run;
  });
  let datadogRequests = 0;
  try {
    for (const [w, wave] of waves.entries()) {
      if (w > 0) {
        // The same service names other data now: nothing cached from the last wave may answer for it.
        await stack.flushDatadogCache();
        route = waveRouting(wave);
        clock.anchor = batchAnchor(Date.now());
      }
      runs.push(...(await runWave(stack, wave, w + 1, options, reasoner, clock)));
    }
    datadogRequests = stack.datadog.count();
  } finally {
    await stack.close();
  }
  return {
    reasoner,
    started_at: new Date(started).toISOString(),
    wall_ms: Date.now() - started,
    datadog_requests: datadogRequests,
    runs,
    families: familyTotals(runs),
    totals: evalTotals(runs.map((r) => r.score)),
  };
}

/** One wave's scenarios, in batches that each share an anchor. */
async function runWave(
  stack: EvalStack,
  all: readonly ScenarioFile[],
  wave: number,
  options: EvalOptions,
  reasoner: EvalReasoner,
  clock: { anchor: number },
): Promise<ScenarioRun[]> {
  const runs: ScenarioRun[] = [];
  const size = Math.max(1, options.batchSize ?? (reasoner === "offline" ? all.length : 4));
  for (let i = 0; i < all.length; i += size) {
    if (i > 0) clock.anchor = batchAnchor(Date.now());
    const batchAnchorMs = clock.anchor;
    const batch = all.slice(i, i + size);
    const done = await Promise.all(
      batch.map(async (entry) => {
        const t0 = Date.now();
        const outcome = await runJob(
          stack,
          entry.scenario,
          { offline: reasoner === "offline", timeoutMs: options.jobTimeoutMs ?? 120_000 },
          batchAnchorMs,
        ).catch((error: unknown): JobOutcome => ({
          question: entry.scenario.question,
          error: error instanceof Error ? error.message : String(error),
        }));
        const score = scoreScenario({
          scenario: entry.scenario,
          anchor: batchAnchorMs,
          findings: outcome.findings,
          ...(outcome.answer !== undefined ? { answer: outcome.answer } : {}),
          ...(outcome.window ? { window: outcome.window } : {}),
          ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        });
        const run: ScenarioRun = {
          score,
          file: entry.file,
          family: entry.family ?? "committed",
          split: entry.split ?? "committed",
          ...(outcome.jobId ? { job_id: outcome.jobId } : {}),
          ms: Date.now() - t0,
          anchor: new Date(batchAnchorMs).toISOString(),
          wave,
          findings: outcome.findings ?? [],
          question: outcome.question,
          ...(outcome.answer !== undefined ? { answer: outcome.answer } : {}),
          ...(outcome.plan ? { plan: outcome.plan } : {}),
          ...(outcome.window
            ? {
                window: {
                  start: new Date(outcome.window.start).toISOString(),
                  end: new Date(outcome.window.end).toISOString(),
                },
              }
            : {}),
        };
        options.onScore?.(run);
        return run;
      }),
    );
    runs.push(...done);
  }
  return runs;
}
