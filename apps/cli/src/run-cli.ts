import { parseArgs } from "node:util";
import { CliError, EXIT, type ExitCode } from "./cli-error.js";
import { renderMarkdown } from "./markdown-renderer.js";
import { OrchestratorClient, isTerminal, type JobView, type NewJob } from "./orchestrator-client.js";
import { createProgressDisplay, type Output } from "./progress-display.js";
import { oneLine, printable } from "./terminal-text.js";
import { terminalStyle, wantsColor } from "./terminal-style.js";

export const VERSION = "0.1.0";

/** What the CLI talks to: the process's streams and environment, injectable for tests. */
export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
  /** Fires on Ctrl-C: stop watching (the job keeps running). */
  readonly signal?: AbortSignal;
}

const HELP = `orchestrator — ask the AI Orchestrator about a service and watch it work

Usage:
  orchestrator ask --service <id> [options] "<question>"
  orchestrator watch <job_id> [options]     follow a job that is already running
  orchestrator cancel <job_id> [options]    cancel a job that has not ended

Options for ask:
  -s, --service <id>      the service, e.g. web-app (required)
      --session <id>      a session id: follow-up questions use its history
  -t, --timeframe <d>     the window to look at, e.g. 30m, 24h, 7d
      --offline           use the offline reasoner even if a model is configured
      --brief             print only the short answer (the details: orchestrator watch <job_id>)

Common options:
      --json              print the final job view as JSON (for scripts)
  -q, --quiet             no progress display
      --no-color          no colours (also NO_COLOR=1)
      --url <url>         the orchestrator (default: $ORCHESTRATOR_URL or http://localhost:8000)
      --token <token>     the API token (default: $ORCHESTRATOR_TOKEN)
  -h, --help              this help
      --version           the CLI's version

Exit codes: 0 completed, 1 failed or cancelled, 2 usage error, 3 connection or auth error.

Example:
  ORCHESTRATOR_TOKEN=... orchestrator ask --service web-app "Check CPU and memory usage trends for the last 24 hours"
`;

const OPTIONS = {
  service: { type: "string", short: "s" },
  session: { type: "string" },
  timeframe: { type: "string", short: "t" },
  offline: { type: "boolean" },
  brief: { type: "boolean" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "no-color": { type: "boolean" },
  url: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

/** " · $0.0123", " · cost unknown" (a model without a price), or nothing when no model was called. */
function costOf(view: JobView): string {
  const usage = view.usage;
  if (!usage || !usage.llm_calls) return "";
  if (usage.cost_usd === null) return " · cost unknown (no price for the model)";
  return usage.cost_usd !== undefined ? ` · $${usage.cost_usd.toFixed(4)}` : "";
}

const usage = (message: string) =>
  new CliError(EXIT.usage, `${message}\nRun 'orchestrator --help' for usage.`);

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw usage(error instanceof Error ? error.message : String(error));
    }
    const { values, positionals } = parsed;
    const [command, ...rest] = positionals;
    if (values.version) {
      io.stdout.write(`${VERSION}\n`);
      return EXIT.completed;
    }
    if (values.help || command === "help") {
      io.stdout.write(HELP);
      return EXIT.completed;
    }
    if (command === undefined) {
      io.stderr.write(HELP);
      return EXIT.usage;
    }
    const client = clientFor(values, io);
    if (command === "ask") return await ask(client, values, rest, io);
    if (command === "watch") return await watch(client, values, single(rest, "watch"), io);
    if (command === "cancel") return await cancel(client, values, single(rest, "cancel"), io);
    throw usage(`unknown command "${command}"`);
  } catch (error) {
    // Messages may quote the server (a problem's detail): printed without control characters.
    if (error instanceof CliError) {
      io.stderr.write(`orchestrator: ${printable(error.message)}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `orchestrator: unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`,
    );
    return EXIT.connection;
  }
}

function single(rest: readonly string[], command: string): string {
  if (rest.length !== 1 || !rest[0]) throw usage(`${command} takes one job id`);
  return rest[0];
}

function clientFor(values: Values, io: CliIo): OrchestratorClient {
  const baseUrl = values.url ?? io.env.ORCHESTRATOR_URL ?? "http://localhost:8000";
  try {
    new URL(baseUrl);
  } catch {
    throw usage(`"${baseUrl}" is not a URL (ORCHESTRATOR_URL or --url)`);
  }
  const token = values.token ?? io.env.ORCHESTRATOR_TOKEN;
  if (!token) throw new CliError(EXIT.connection, "no API token: set ORCHESTRATOR_TOKEN (or pass --token)");
  return new OrchestratorClient({ baseUrl, token, ...(io.fetch ? { fetch: io.fetch } : {}) });
}

async function ask(
  client: OrchestratorClient,
  values: Values,
  rest: readonly string[],
  io: CliIo,
): Promise<number> {
  const question = rest.join(" ").trim();
  if (!values.service) throw usage("ask needs --service <id>, e.g. --service web-app");
  if (!question) throw usage('ask needs a question, e.g. "Why are 5xx errors up?"');
  const options = {
    ...(values.timeframe ? { timeframe: values.timeframe } : {}),
    ...(values.offline ? { reasoner: "offline" as const } : {}),
  };
  const job: NewJob = {
    service_id: values.service,
    user_message: question,
    ...(values.session ? { session_id: values.session } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
  const accepted = await client.submit(job, io.signal);
  if (!values.quiet) io.stderr.write(`job ${oneLine(accepted.job_id)} accepted\n`);
  return follow(client, accepted.job_id, values, io);
}

async function watch(client: OrchestratorClient, values: Values, id: string, io: CliIo): Promise<number> {
  await client.get(id);
  return follow(client, id, values, io);
}

async function cancel(client: OrchestratorClient, values: Values, id: string, io: CliIo): Promise<number> {
  const view = await client.cancel(id);
  if (values.json) io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  else io.stderr.write(`job ${oneLine(id)} ${oneLine(view.status)}\n`);
  return EXIT.completed;
}

/** Shows the job's progress from its event stream, then its outcome; the exit code says how it ended. */
async function follow(client: OrchestratorClient, id: string, values: Values, io: CliIo): Promise<number> {
  const color = wantsColor(io.stderr, io.env, Boolean(values["no-color"]));
  const display = createProgressDisplay(io.stderr, {
    live: Boolean(io.stderr.isTTY),
    color,
    quiet: Boolean(values.quiet),
  });
  let view: JobView | undefined;
  try {
    for await (const message of client.events(id, io.signal)) {
      display.show(message);
      if (message.event === "end") view = JSON.parse(message.data) as JobView;
    }
  } finally {
    display.stop();
  }
  if (io.signal?.aborted) {
    io.stderr.write(`stopped watching; job ${id} keeps running. Follow it with: orchestrator watch ${id}\n`);
    return 130;
  }
  // The stream ended without an end event (it was already over): read the job itself.
  if (!view || !isTerminal(view.status)) view = await client.get(id);
  return report(view, values, io);
}

function report(view: JobView, values: Values, io: CliIo): ExitCode {
  const code = view.status === "completed" ? EXIT.completed : EXIT.jobFailed;
  if (values.json) {
    io.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    return code;
  }
  const style = terminalStyle(wantsColor(io.stderr, io.env, Boolean(values["no-color"])));
  if (view.status === "completed" && view.result) {
    const color = wantsColor(io.stdout, io.env, Boolean(values["no-color"]));
    // A terminal gets the answer rendered and wrapped to its width (words split by the terminal
    // are hard to read); a pipe or file gets the markdown itself, unwrapped. Either way without
    // control characters (--json keeps them, escaped by JSON).
    const brief = Boolean(values.brief) && view.result.summary !== undefined && view.result.summary !== "";
    const text = brief
      ? `${view.result.summary ?? ""}\n\n_Details: orchestrator watch ${view.job_id}_`
      : view.result.answer_markdown;
    const answer = io.stdout.isTTY
      ? renderMarkdown(text, { color, width: io.stdout.columns ?? 80 })
      : printable(text);
    io.stdout.write(`\n${answer.trimEnd()}\n\n`);
    const took =
      view.started_at && view.finished_at
        ? ` · ${((Date.parse(view.finished_at) - Date.parse(view.started_at)) / 1000).toFixed(1)} s`
        : "";
    const confidence =
      view.result.confidence !== undefined ? ` · confidence ${view.result.confidence.toFixed(2)}` : "";
    io.stderr.write(
      `${style.dim(oneLine(`job ${view.job_id} · ${view.reasoner ?? "?"} · ${view.data_source ?? "?"}${confidence}${costOf(view)}${took}`))}\n`,
    );
  } else {
    const why = view.error ? `${view.error.code}: ${view.error.message}` : "no detail";
    io.stderr.write(`${style.red(oneLine(`job ${view.job_id} ${view.status}`))} (${oneLine(why)})\n`);
  }
  return code;
}
