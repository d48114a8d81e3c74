export { runCli, VERSION, type CliIo } from "./run-cli.js";
export { EXIT, CliError, type ExitCode } from "./cli-error.js";
export { OrchestratorClient, type JobView, type NewJob } from "./orchestrator-client.js";
export { SseParser, type SseMessage } from "@orch/sse";
export { renderMarkdown } from "./markdown-renderer.js";
