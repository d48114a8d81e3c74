import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** `npm run bench`: every benchmark, one process each (so they do not share warm state). */
const benches = ["orchestrate-overhead.ts", "throughput.ts", "datadog-cache.ts"];
let failed = false;
for (const bench of benches) {
  console.log(`\n=== ${bench}`);
  const run = spawnSync(
    process.execPath,
    ["--conditions=@orch/source", "--import", "tsx", fileURLToPath(new URL(bench, import.meta.url))],
    {
      stdio: "inherit",
    },
  );
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
