import type { ReadableStream } from "node:stream/web";
import { CliError, EXIT } from "./cli-error.js";
import { SseParser, type SseMessage } from "@orch/sse";

/** The parts of a job view (GET /jobs/:id) the CLI shows. */
export interface JobView {
  readonly job_id: string;
  readonly status:
    "queued" | "planning" | "executing" | "synthesizing" | "completed" | "failed" | "cancelled";
  readonly service_id: string;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  readonly reasoner: string | null;
  readonly data_source: string | null;
  readonly result: {
    readonly answer_markdown: string;
    /** The short form: the direct answer, the causal chain once, other issues and the next step. */
    readonly summary?: string;
    readonly confidence?: number;
  } | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Absent from servers older than the cost field. */
  readonly usage?: { readonly llm_calls?: number; readonly cost_usd?: number | null };
}

export interface NewJob {
  readonly service_id: string;
  readonly user_message: string;
  readonly session_id?: string;
  readonly options?: { readonly timeframe?: string; readonly reasoner?: "offline" };
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly fetch?: typeof fetch;
  /** Reconnections of a dropped event stream before giving up. */
  readonly maxReconnects?: number;
}

const TERMINAL = new Set(["completed", "failed", "cancelled"]);
export const isTerminal = (status: string): boolean => TERMINAL.has(status);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** The network error's code (ECONNREFUSED, ENOTFOUND, ...) rather than fetch's generic message. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** The orchestrator's HTTP API, with its failures turned into CliErrors with exit codes. */
export class OrchestratorClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.fetch = options.fetch ?? fetch;
  }

  async submit(job: NewJob, signal?: AbortSignal): Promise<{ job_id: string; status: string }> {
    return (await this.json("POST", "/jobs", job, signal)) as { job_id: string; status: string };
  }

  async get(id: string, waitSeconds?: number, signal?: AbortSignal): Promise<JobView> {
    const query = waitSeconds !== undefined ? `?wait=${waitSeconds}` : "";
    return (await this.json("GET", `/jobs/${encodeURIComponent(id)}${query}`, undefined, signal)) as JobView;
  }

  async cancel(id: string): Promise<JobView> {
    return (await this.json("DELETE", `/jobs/${encodeURIComponent(id)}`)) as JobView;
  }

  /**
   * The job's events until its `end` event, reconnecting with Last-Event-ID when the stream
   * drops; returns without an `end` event when the server says the stream is over (204).
   */
  async *events(id: string, signal?: AbortSignal): AsyncGenerator<SseMessage> {
    const parser = new SseParser();
    const maxReconnects = this.options.maxReconnects ?? 5;
    let failures = 0;
    for (;;) {
      const headers: Record<string, string> = { Accept: "text/event-stream", ...this.auth() };
      if (parser.lastEventId) headers["Last-Event-ID"] = parser.lastEventId;
      let res: Response | undefined;
      try {
        res = await this.fetch(`${this.base}/jobs/${encodeURIComponent(id)}/events`, {
          headers,
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted) return;
        if (failures >= maxReconnects) throw this.unreachable(error);
      }
      if (res) {
        if (res.status === 204) return;
        if (!res.ok) throw await this.failure(res);
        const reader = (res.body as unknown as ReadableStream<Uint8Array>).getReader();
        const decoder = new TextDecoder();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            for (const message of parser.push(decoder.decode(value, { stream: true }))) {
              failures = 0;
              yield message;
              if (message.event === "end") return;
            }
          }
        } catch {
          if (signal?.aborted) return;
        } finally {
          reader.cancel().catch(() => undefined);
        }
      }
      failures += 1;
      if (failures > maxReconnects) {
        throw new CliError(
          EXIT.connection,
          `lost the event stream of job ${id}; follow it with: orchestrator watch ${id}`,
        );
      }
      await sleep(Math.min(parser.retryMs ?? 1000, 5000) * failures, signal);
      if (signal?.aborted) return;
    }
  }

  private auth(): Record<string, string> {
    return { Authorization: `Bearer ${this.options.token}` };
  }

  private unreachable(error: unknown): CliError {
    return new CliError(
      EXIT.connection,
      `cannot reach the orchestrator at ${this.base} (${causeOf(error)}); is it running? Set ORCHESTRATOR_URL to point elsewhere.`,
    );
  }

  private async json(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    let res: Response;
    try {
      res = await this.fetch(`${this.base}${path}`, {
        method,
        headers: {
          Accept: "application/json",
          ...this.auth(),
          ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw this.unreachable(error);
    }
    if (!res.ok) throw await this.failure(res);
    return res.json();
  }

  /** A problem+json answer as a one-line error with the exit code its status means. */
  private async failure(res: Response): Promise<CliError> {
    let detail = `HTTP ${res.status}`;
    try {
      const problem = (await res.json()) as { detail?: string };
      if (problem.detail) detail = problem.detail;
    } catch {
      // Not JSON: keep the status.
    }
    if (res.status === 401 || res.status === 403) {
      return new CliError(
        EXIT.connection,
        `the orchestrator refused the token (${detail}); check ORCHESTRATOR_TOKEN`,
      );
    }
    if (res.status === 409) return new CliError(EXIT.jobFailed, detail);
    if (res.status >= 400 && res.status < 500 && res.status !== 429) return new CliError(EXIT.usage, detail);
    return new CliError(
      EXIT.connection,
      `the orchestrator could not take the request (${res.status}: ${detail}); retry shortly`,
    );
  }
}
