import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runEval, type EvalReasoner } from "./eval-runner.js";
import { formatReport } from "./eval-table.js";
import { formatSweep, noiseSweep } from "./noise-sweep.js";
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
  --reveal-test  allow --write to write test scenarios (read them only to report, never to tune)`;

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
  const library = loadScenarioSet({ split, dir: resolve(values.scenarios), families: familyNames });
  // A bad file does not stop the others: it is named here and scored as a failed row.
  for (const error of library.invalid) console.error(`skipped ${error.message}`);
  if (values.noise !== undefined) {
    const draws = Number(values.noise);
    if (!Number.isInteger(draws) || draws < 1) {
      console.error(`--noise must be a positive integer\n${USAGE}`);
      return 2;
    }
    const sweep = formatSweep(await noiseSweep(library.scenarios, draws));
    console.log(sweep.text);
    return sweep.ok ? 0 : 1;
  }
  const baseUrl = process.env.OPENAI_BASE_URL;
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

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
