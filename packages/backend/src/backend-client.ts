import type { ZodType } from "zod";
import { UpstreamError, retryDelayMs, sleep, type ConversationMessage } from "@orch/core";
import {
  chatMessagesSchema,
  serviceInfoSchema,
  serviceListSchema,
  type ServiceEntry,
  type NewBackendMessage,
  type ServiceInfo,
} from "./backend-schemas.js";

export interface BackendClientOptions {
  /** BACKEND_API_URL; paths are resolved under it (it may carry a path prefix). */
  readonly url: string;
  /** BACKEND_API_TOKEN, sent as a bearer token. */
  readonly token?: string;
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Extra attempts after the first, for timeouts, network errors, 429 and 5xx. */
  readonly retries: number;
  /** First retry delay; doubles each attempt, with full jitter (`retryDelayMs`). */
  readonly backoffMs: number;
  readonly fetch?: typeof fetch;
}

type Reply = { readonly status: number; readonly body: unknown };

/** Retry-After, capped: a backend asking for minutes is treated as down. */
const MAX_RETRY_AFTER_MS = 5000;

/**
 * The seed's BackendClient: service info, chat history and posting messages back, over HTTP
 * with a bearer token, a timeout per attempt and retries with exponential backoff. Failures
 * are UpstreamErrors that say what happened, never the token.
 */
export class BackendClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: BackendClientOptions) {
    this.base = options.url.endsWith("/") ? options.url : `${options.url}/`;
    this.fetch = options.fetch ?? fetch;
  }

  /** Where the client points, without credentials (for logs and trace steps). */
  get host(): string {
    return new URL(this.base).host;
  }

  /** `get_service_info`: the service's tags, env and optionally its own Datadog org; undefined when unknown. */
  async getServiceInfo(serviceId: string, signal?: AbortSignal): Promise<ServiceInfo | undefined> {
    const reply = await this.call("GET", `services/${encodeURIComponent(serviceId)}`, undefined, signal);
    return reply.status === 404 ? undefined : this.parse(serviceInfoSchema, reply.body, "service info");
  }

  /** The services the backend knows (GET /services), or undefined when it lists none (404). */
  async listServices(signal?: AbortSignal): Promise<ServiceEntry[] | undefined> {
    const reply = await this.call("GET", "services", undefined, signal);
    return reply.status === 404 ? undefined : this.parse(serviceListSchema, reply.body, "the service list");
  }

  /**
   * `get_chat_messages`: the session's conversation, oldest first (the last `limit`). `client`
   * names the API client asking, so the backend can keep each client's sessions apart.
   */
  async getChatMessages(
    sessionId: string,
    query: { limit: number; client?: string },
    signal?: AbortSignal,
  ): Promise<ConversationMessage[]> {
    const { limit } = query;
    const params = new URLSearchParams({
      limit: String(limit),
      ...(query.client ? { client: query.client } : {}),
    });
    const reply = await this.call(
      "GET",
      `sessions/${encodeURIComponent(sessionId)}/messages?${params.toString()}`,
      undefined,
      signal,
    );
    if (reply.status === 404) return [];
    const messages = this.parse(chatMessagesSchema, reply.body, "chat messages");
    return messages.slice(-Math.max(0, limit)).map((m) => ({
      role: m.role,
      content: m.content,
      ...(m.job_id ? { job_id: m.job_id } : {}),
      ...(m.at ? { at: m.at } : {}),
    }));
  }

  /**
   * `add_message`: appends a message to the session. The Idempotency-Key (job id and role)
   * lets the backend drop the duplicate a retry may send.
   */
  async addMessage(sessionId: string, message: NewBackendMessage, signal?: AbortSignal): Promise<void> {
    await this.call(
      "POST",
      `sessions/${encodeURIComponent(sessionId)}/messages`,
      message,
      signal,
      `${message.job_id}-${message.role}`,
    );
  }

  private parse<T>(schema: ZodType<T>, body: unknown, what: string): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new UpstreamError("upstream_error", `the backend sent ${what} in an unexpected shape`, false, {
        issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`),
      });
    }
    return parsed.data;
  }

  private async call(
    method: "GET" | "POST",
    path: string,
    body: unknown,
    signal?: AbortSignal,
    idempotencyKey?: string,
  ): Promise<Reply> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": "ai-orchestrator" };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
    let last: UpstreamError | undefined;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      let waitMs = retryDelayMs(attempt, this.options.backoffMs);
      const timeout = AbortSignal.timeout(this.options.timeoutMs);
      try {
        const res = await this.fetch(url, {
          method,
          headers,
          redirect: "error",
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        const text = await res.text();
        if (res.ok || res.status === 404) {
          return { status: res.status, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined };
        }
        if (res.status === 401 || res.status === 403) {
          throw new UpstreamError(
            "upstream_auth",
            `the backend refused BACKEND_API_TOKEN (${res.status})`,
            false,
          );
        }
        const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
        last = new UpstreamError(
          res.status === 429 ? "rate_limited" : "upstream_error",
          `the backend answered ${res.status}`,
          retryable,
          {
            status: res.status,
          },
        );
        if (!retryable) throw last;
        const after = Number(res.headers.get("retry-after"));
        if (Number.isFinite(after) && after > 0) waitMs = Math.min(after * 1000, MAX_RETRY_AFTER_MS);
      } catch (error) {
        if (error instanceof UpstreamError && !error.retryable) throw error;
        if (signal?.aborted) throw signal.reason as Error;
        if (error instanceof SyntaxError)
          throw new UpstreamError("upstream_error", "the backend sent a body that is not JSON", false);
        if (!(error instanceof UpstreamError)) {
          last = timeout.aborted
            ? new UpstreamError(
                "upstream_timeout",
                `the backend did not answer within ${this.options.timeoutMs} ms`,
                true,
              )
            : new UpstreamError(
                "upstream_error",
                `the backend is unreachable (${describeCause(error)})`,
                true,
              );
        }
      }
      if (attempt < this.options.retries) await sleep(waitMs, signal);
    }
    throw last ?? new UpstreamError("upstream_error", "the backend call failed", true);
  }
}

/** The network error's code (ECONNREFUSED, ENOTFOUND, ...) rather than fetch's generic message. */
function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : "network error");
}
