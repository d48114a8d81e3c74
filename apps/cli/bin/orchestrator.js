#!/usr/bin/env node
// Runs the built CLI (apps/cli/dist, from `npm run build`). `npm run ask` runs the sources with
// tsx instead and needs no build.
import("../dist/main.js").catch((error) => {
  process.stderr.write(`orchestrator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write("Build it first: npm run build (or use npm run ask -- ...)\n");
  process.exit(1);
});
