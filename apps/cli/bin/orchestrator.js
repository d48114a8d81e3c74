#!/usr/bin/env node
// Runs the built CLI; from a fresh clone `npm run ask` builds it first.
import("../dist/main.js").catch((error) => {
  process.stderr.write(`orchestrator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.stderr.write("Build it first: npm run build (or use npm run ask -- ...)\n");
  process.exit(1);
});
