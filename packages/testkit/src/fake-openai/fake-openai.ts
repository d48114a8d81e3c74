import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sleep } from "@orch/core";
import { parseChatRequest, type FakeChatMessage, type FakeChatRequest } from "./chat-request.js";
import { defaultChatReply } from "./default-chat-reply.js";
import type { ConcreteReply, FakeReply } from "./fake-reply.js";
import { readBody } from "../read-body.js";

/** Produces the reply to a request that nothing scripted. */
export type FakeChatHandler = (request: FakeChatRequest) => FakeReply | Promise<FakeReply>;

/** One request to /v1/chat/completions as the fake received it. */
export interface RecordedChatRequest {
  readonly body: FakeChatRequest;
  readonly headers: IncomingHttpHeaders;
  readonly authorized: boolean;
}

export interface FakeOpenAIOptions {
  /** The key clients must send as `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
  readonly port?: number;
  readonly handler?: FakeChatHandler;
}

/** A local OpenAI Chat Completions server for tests and offline development. */
export interface FakeOpenAI {
  /** Base URL, ending in /v1 (OPENAI_BASE_URL). */
  readonly url: string;
  readonly apiKey: string;
  /** Every chat completion request received, in order (retries included). */
  readonly requests: RecordedChatRequest[];
  /** Queues replies for the next requests, in order; when the queue is empty the handler answers. */
  script(...replies: FakeReply[]): void;
  setHandler(handler: FakeChatHandler): void;
  /** Clears the script and the recorded requests and restores the default handler. */
  reset(): void;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, {
    "content-type": "application/json",
    "x-request-id": `req_fake_${Date.now()}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
}

const apiError = (message: string, type: string, code: string | null) => ({
  error: { message, type, param: null, code },
});

type CountTokens = (text: string) => number;
let tokenizer: Promise<CountTokens> | undefined;

/** The o200k tokenizer of the GPT-4o family, loaded on the first reply (its tables are large). */
function loadTokenizer(): Promise<CountTokens> {
  tokenizer ??= import("gpt-tokenizer/encoding/o200k_base").then((m) => m.countTokens);
  return tokenizer;
}

/**
 * Prompt tokens as OpenAI counts a chat: each message's role and content, plus a few tokens of
 * framing per message and for the reply's start.
 */
function promptTokens(count: CountTokens, messages: readonly FakeChatMessage[]): number {
  return messages.reduce((n, m) => n + 3 + count(m.role) + count(m.content), 3);
}

/** Starts the fake on 127.0.0.1 (a free port unless given). */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = options.apiKey ?? "test-openai-key";
  const requests: RecordedChatRequest[] = [];
  const queue: FakeReply[] = [];
  let handler: FakeChatHandler = options.handler ?? defaultChatReply;
  let counter = 0;
  const closing = new AbortController();

  async function completion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(await readBody(req));
    } catch {
      return send(
        res,
        400,
        apiError("We could not parse the JSON body of your request.", "invalid_request_error", null),
      );
    }
    const parsed = parseChatRequest(json);
    if (!parsed.ok) return send(res, 400, apiError(parsed.error, "invalid_request_error", null));
    const authorized = req.headers.authorization === `Bearer ${apiKey}`;
    requests.push({ body: parsed.request, headers: req.headers, authorized });
    if (!authorized) {
      return send(
        res,
        401,
        apiError("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
      );
    }
    if (parsed.request.stream) {
      return send(
        res,
        400,
        apiError("streaming is not supported by the fake", "invalid_request_error", null),
      );
    }

    const planned = queue.shift() ?? (await handler(parsed.request));
    if (planned.delay_ms) {
      // A client that gives up (timeout) closes the socket; stop waiting then.
      const gone = new AbortController();
      res.once("close", () => gone.abort());
      // Until the delay passes, the client goes or the server closes, whichever is first.
      await sleep(planned.delay_ms, AbortSignal.any([gone.signal, closing.signal])).catch(() => undefined);
      if (res.destroyed || closing.signal.aborted) return;
    }
    const reply: ConcreteReply =
      planned.kind === "default"
        ? {
            ...defaultChatReply(parsed.request),
            ...(planned.usage ? { usage: planned.usage } : {}),
            ...(planned.wire_usage !== undefined ? { wire_usage: planned.wire_usage } : {}),
          }
        : planned;
    if (reply.kind === "error") {
      return send(res, reply.status, apiError(reply.message, reply.type, reply.code), reply.headers ?? {});
    }

    const count = await loadTokenizer();
    let message: Record<string, unknown>;
    let finish: string;
    let completionText: string;
    if (reply.kind === "refusal") {
      message = { role: "assistant", content: null, refusal: reply.refusal, annotations: [] };
      finish = "stop";
      completionText = reply.refusal;
    } else if (reply.kind === "tool_calls") {
      const calls = reply.calls.map((c, i) => ({
        id: `call_fake_${counter}_${i}`,
        type: "function",
        function: { name: c.name, arguments: c.arguments },
      }));
      message = { role: "assistant", content: null, refusal: null, tool_calls: calls, annotations: [] };
      finish = "tool_calls";
      completionText = reply.calls.map((c) => c.arguments).join("");
    } else {
      message = { role: "assistant", content: reply.content, refusal: null, annotations: [] };
      finish = reply.finish_reason ?? "stop";
      completionText = reply.content;
    }
    const prompt = reply.usage?.prompt_tokens ?? promptTokens(count, parsed.request.messages);
    const completionTokens = reply.usage?.completion_tokens ?? count(completionText);
    const usage =
      reply.wire_usage !== undefined
        ? reply.wire_usage
        : {
            prompt_tokens: prompt,
            completion_tokens: completionTokens,
            total_tokens: prompt + completionTokens,
          };
    counter += 1;
    send(res, 200, {
      id: `chatcmpl-fake-${counter}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: parsed.request.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      ...(usage !== null ? { usage } : {}),
      system_fingerprint: "fp_fake",
    });
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "POST" && path === "/v1/chat/completions") {
      completion(req, res).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : "fake handler failed";
        send(res, 500, apiError(message, "server_error", null));
      });
      return;
    }
    if (req.method === "GET" && path === "/v1/models") {
      return send(res, 200, {
        object: "list",
        data: [{ id: "gpt-4o", object: "model", created: 0, owned_by: "fake" }],
      });
    }
    send(
      res,
      404,
      apiError(`Unknown request URL: ${req.method} ${path}`, "invalid_request_error", "unknown_url"),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    script: (...replies) => {
      queue.push(...replies);
    },
    setHandler: (next) => {
      handler = next;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      handler = options.handler ?? defaultChatReply;
    },
    close: async () => {
      closing.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
