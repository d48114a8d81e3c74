import { runCli } from "./run-cli.js";

// The process: real streams and environment; Ctrl-C stops watching, a second one exits at once.
const interrupted = new AbortController();
process.once("SIGINT", () => {
  interrupted.abort();
  process.once("SIGINT", () => process.exit(130));
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
