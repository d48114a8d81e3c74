import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { benchAddedLatency } from "./added-latency.js";
import { benchCache } from "./cache.js";
import { benchCrashStorm } from "./crash-storm.js";
import { benchEnqueue } from "./enqueue.js";
import { benchPipeline } from "./pipeline.js";
import { benchTokens } from "./tokens.js";
import { benchSettings } from "./support/bench-settings.js";
import { describeMachine } from "./support/machine.js";
import { renderReport, targets, type BenchResults } from "./support/report.js";

/**
 * `npm run bench [-- --quick] [-- --only enqueue,pipeline,...]`: runs the benchmarks one after
 * another and writes bench/BENCHMARKS.md and bench/BENCHMARKS.json.
 */
const BENCHES = {
  enqueue: benchEnqueue,
  pipeline: benchPipeline,
  crash_storm: benchCrashStorm,
  added_latency: benchAddedLatency,
  cache: benchCache,
  tokens: benchTokens,
} as const;
type BenchName = keyof typeof BENCHES;

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, only: { type: "string" }, out: { type: "string" } },
});
const names = (values.only?.split(",") ?? Object.keys(BENCHES)) as BenchName[];
for (const name of names) {
  if (!(name in BENCHES)) {
    process.stderr.write(`unknown benchmark "${name}"; choose from ${Object.keys(BENCHES).join(", ")}\n`);
    process.exit(2);
  }
}
const settings = benchSettings(values.quick ?? false);
const started = performance.now();
const results: Record<string, unknown> = {};
const errors: Record<string, string> = {};
for (const name of names) {
  process.stdout.write(`\n=== ${name}${settings.quick ? " (quick)" : ""}\n`);
  try {
    results[name] = await BENCHES[name](settings);
    process.stdout.write(`${JSON.stringify(results[name], null, 2)}\n`);
  } catch (error) {
    errors[name] = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${name} failed: ${errors[name]}\n`);
  }
}
const report: BenchResults = {
  machine: describeMachine(),
  quick: settings.quick,
  seconds: (performance.now() - started) / 1000,
  ...results,
  errors,
};
const dir = values.out ?? new URL(".", import.meta.url).pathname;
writeFileSync(`${dir}/BENCHMARKS.md`, renderReport(report));
writeFileSync(`${dir}/BENCHMARKS.json`, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write("\n");
for (const t of targets(report))
  process.stdout.write(`${t.met ? "met " : "MISS"}  ${t.target}: ${t.value}\n`);
process.stdout.write(`\nwrote ${dir}/BENCHMARKS.md and BENCHMARKS.json\n`);
process.exit(Object.keys(errors).length > 0 ? 1 : 0);
