import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { EvalReasoner } from "./eval-runner.js";
import { scenarioLibrary } from "./scenario-library.js";
import {
  generatedScenarios,
  loadScenarioSet,
  resolveFamilies,
  SPLIT_CHOICES,
  type SplitChoice,
} from "./scenario-sets.js";
import { writeScenarios } from "./write-scenarios.js";

/**
 * `npm run eval [-- --split committed|dev|test|all] [--family NAME] [--reasoner offline|openai]
 * [--out FILE]`: runs the scenarios end to end, prints the score tables and exits 1 when the
 * totals miss the targets (2 on a usage or setup error). `--noise N` checks robustness to noise
 * in process instead; `--write DIR` writes a split's generated scenarios as files.
 */

const DEFAULT_SCENARIOS = fileURLToPath(new URL("../scenarios/", import.meta.url));

const USAGE = `usage: npm run eval -- [--split committed|dev|test|all] [--family NAME]... [--reasoner offline|openai]
                       [--scenarios DIR] [--out FILE] [--batch N] [--noise N] [--write DIR [--reveal-test]]
                       [--integrations N]
  --split        committed (default): the files of --scenarios; dev: those and the dev draws of every
                 family (tune on these); test: the test draws (report these, never tune on them); all
  --family       only this generated family (repeat, or comma-separate, for several); its dev draws
                 unless --split test or all
  --reasoner     offline (default) or openai (uses OPENAI_API_KEY and OPENAI_BASE_URL)
  --scenarios    directory of committed scenario files (default bench/scenarios)
  --out          write the report as JSON to FILE (answers, plans, findings, every check and why it failed)
  --batch        scenarios submitted together (default: all offline, 4 with openai)
  --noise        instead of the end-to-end run: score each scenario in process under N noise draws
  --write        instead of a run: write the split's generated scenarios to DIR (dev unless --split test|all)
  --show         run one scenario (committed, dev or test id) and print its question, window, plan,
                 findings, every check and the answer
  --reveal-test  allow --write and --show on test scenarios (read them only to report, never to tune)
  --integrations instead of a run: step every N-th integration metric with a published direction
                 both ways, in process, and count what the analyst catches and calls wrongly (1: all)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      reasoner: { type: "string", default: "offline" },
      scenarios: { type: "string", default: DEFAULT_SCENARIOS },
      out: { type: "string" },
      batch: { type: "string" },
      noise: { type: "string" },
      split: { type: "string", default: "committed" },
      family: { type: "string", multiple: true },
      write: { type: "string" },
      "reveal-test": { type: "boolean", default: false },
      show: { type: "string" },
      integrations: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.reasoner !== "offline" && values.reasoner !== "openai") {
    console.error(`--reasoner must be offline or openai\n${USAGE}`);
    return 2;
  }
  const reasoner: EvalReasoner = values.reasoner;
  const apiKey = process.env.OPENAI_API_KEY;
  if (reasoner === "openai" && !apiKey) {
    console.error(
      "--reasoner openai needs OPENAI_API_KEY (and OPENAI_BASE_URL for a server other than OpenAI's)",
    );
    return 2;
  }
  const batch = values.batch !== undefined ? Number(values.batch) : undefined;
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1)) {
    console.error(`--batch must be a positive integer\n${USAGE}`);
    return 2;
  }
  if (!SPLIT_CHOICES.includes(values.split as SplitChoice)) {
    console.error(`--split must be one of ${SPLIT_CHOICES.join(", ")}\n${USAGE}`);
    return 2;
  }
  const familyNames = (values.family ?? []).flatMap((f) => f.split(",")).filter((f) => f !== "");
  // Naming a family asks for its draws: the dev ones unless a split with test draws is named.
  const split: SplitChoice =
    values.split === "committed" && (familyNames.length > 0 || values.write !== undefined)
      ? "dev"
      : (values.split as SplitChoice);
  let families;
  try {
    families = resolveFamilies(familyNames);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (values.write !== undefined) {
    if ((split === "test" || split === "all") && !values["reveal-test"]) {
      console.error(
        "--write of the test split needs --reveal-test: test scenarios are measured, never tuned on; read them only to report (docs/scenarios.md)",
      );
      return 2;
    }
    if (split === "test" || split === "all")
      console.error("warning: writing the TEST split; do not tune the analyst on what you read there");
    const dir = resolve(values.write);
    const count = writeScenarios(dir, generatedScenarios(split, families));
    console.log(`${count} ${split} scenario(s) written to ${dir}`);
    return 0;
  }
  if (values.integrations !== undefined) {
    const every = Number(values.integrations);
    if (!Number.isInteger(every) || every < 1) {
      console.error(`--integrations must be a positive integer (1: every metric, N: every N-th)\n${USAGE}`);
      return 2;
    }
    const { formatIntegrationSweep, integrationSweep } = await import("./integration-sweep.js");
    console.log(formatIntegrationSweep(await integrationSweep(every)));
    return 0;
  }
  if (values.show !== undefined)
    return showScenario(values.show, resolve(values.scenarios), values["reveal-test"]);
  const library = loadScenarioSet({ split, dir: resolve(values.scenarios), families: familyNames });
  // A bad file does not stop the others: it is named here and scored as a failed row.
  for (const error of library.invalid) console.error(`skipped ${error.message}`);
  if (values.noise !== undefined) {
    const draws = Number(values.noise);
    if (!Number.isInteger(draws) || draws < 1) {
      console.error(`--noise must be a positive integer\n${USAGE}`);
      return 2;
    }
    const { formatSweep, noiseSweep } = await import("./noise-sweep.js");
    const sweep = formatSweep(await noiseSweep(library.scenarios, draws));
    console.log(sweep.text);
    return sweep.ok ? 0 : 1;
  }
  const baseUrl = process.env.OPENAI_BASE_URL;
  const { runEval } = await import("./eval-runner.js");
  const { formatReport } = await import("./eval-table.js");
  const report = await runEval({
    library,
    reasoner,
    ...(reasoner === "openai" && apiKey ? { openai: { apiKey, ...(baseUrl ? { baseUrl } : {}) } } : {}),
    ...(batch !== undefined ? { batchSize: batch } : {}),
    ...(process.env.LOG_LEVEL ? { logLevel: process.env.LOG_LEVEL } : {}),
  });
  console.log(formatReport(report));
  if (values.out) {
    const file = resolve(values.out);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`scores written to ${file}`);
  }
  return report.totals.meets_targets ? 0 : 1;
}

/** `--show ID`: one scenario run end to end and printed for people; exit 0 when it is clean. */
async function showScenario(id: string, dir: string, revealTest: boolean): Promise<number> {
  const all = loadScenarioSet({ split: "all", dir });
  const entry = all.scenarios.find((f) => f.scenario.id === id);
  if (!entry) {
    console.error(`no scenario "${id}" among the committed files and the dev and test draws`);
    return 2;
  }
  if (entry.split === "test" && !revealTest) {
    console.error(
      `${id} is a test scenario: --show needs --reveal-test (read test scenarios only to report, never to tune)`,
    );
    return 2;
  }
  if (entry.split === "test")
    console.error("warning: showing a TEST scenario; do not tune the analyst on it");
  // The product (API, workers, Datadog client) loads only for runs: --write and usage errors stay quick.
  const { runEval } = await import("./eval-runner.js");
  const { formatRun } = await import("./eval-show.js");
  const { scenarioProblems } = await import("./eval-table.js");
  const report = await runEval({
    library: scenarioLibrary([entry]),
    ...(process.env.LOG_LEVEL ? { logLevel: process.env.LOG_LEVEL } : {}),
  });
  const run = report.runs[0];
  if (!run) return 2;
  console.log(formatRun(run, entry.scenario));
  return scenarioProblems(run).length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
