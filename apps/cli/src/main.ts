import { SHOW_CURSOR } from "./progress-display.js";
import { runCli } from "./run-cli.js";

// The process: real streams and environment. Ctrl-C stops watching (the live display restores
// the terminal as it stops); a second one exits at once, so it gives the cursor back itself.
const interrupted = new AbortController();
process.once("SIGINT", () => {
  interrupted.abort();
  process.once("SIGINT", () => {
    if (process.stderr.isTTY) process.stderr.write(SHOW_CURSOR);
    process.exit(130);
  });
});

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: interrupted.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`orchestrator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 3;
  },
);
