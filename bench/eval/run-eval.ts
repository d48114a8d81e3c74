import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runEval, type EvalReasoner } from "./eval-runner.js";
import { formatReport } from "./eval-table.js";
import { formatSweep, noiseSweep } from "./noise-sweep.js";
import { loadScenarioDir } from "./scenario-library.js";

/**
 * `npm run eval [-- --reasoner offline|openai] [--scenarios DIR] [--out FILE]`: runs every
 * scenario end to end, prints the score table and exits 1 when the totals miss the targets
 * (2 on a usage or setup error). `--noise N` checks robustness to noise in process instead.
 */

const DEFAULT_SCENARIOS = fileURLToPath(new URL("../scenarios/", import.meta.url));

const USAGE = `usage: npm run eval -- [--reasoner offline|openai] [--scenarios DIR] [--out FILE] [--batch N] [--noise N]
  --reasoner   offline (default) or openai (uses OPENAI_API_KEY and OPENAI_BASE_URL)
  --scenarios  directory of scenario files (default bench/scenarios)
  --out        write the scores as JSON to FILE
  --batch      scenarios submitted together (default: all offline, 4 with openai)
  --noise      instead of the end-to-end run: score each scenario in process under N noise draws`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      reasoner: { type: "string", default: "offline" },
      scenarios: { type: "string", default: DEFAULT_SCENARIOS },
      out: { type: "string" },
      batch: { type: "string" },
      noise: { type: "string" },
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
  const library = loadScenarioDir(resolve(values.scenarios));
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
